// WeChat passive-reply benchmark: N signed, encrypted (safe-mode) text messages sent by C concurrent
// "WeChat servers" to a running LegalBot service; reports reply latency percentiles against the deadline,
// how many answers were passive vs. sent later through the (fake) customer-service API, and duplicates.
// Usage: WeChatLoad <LegalBot.Service.dll> <knowledge-dir> <questions-file> <requests> <concurrency> [deadline-seconds]
// It hosts the fake WeChat API, starts the service against it (safe mode), and checks every message is
// answered exactly once. tests/bench/wechat.sh builds and runs it.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using LegalBot.Channels.Tests;
using LegalBot.Channels.WeChat;

const string Token = "benchToken";
const string AppId = "wxbench";
const string AesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

if (args.Length < 5)
{
    Console.Error.WriteLine("usage: WeChatLoad <LegalBot.Service.dll> <knowledge-dir> <questions-file> <requests> <concurrency> [deadline-seconds]");
    return 2;
}
var questions = File.ReadAllLines(args[2]).Where(l => l.Length > 0).ToArray();
var requests = int.Parse(args[3], CultureInfo.InvariantCulture);
var concurrency = int.Parse(args[4], CultureInfo.InvariantCulture);
var deadline = TimeSpan.FromSeconds(args.Length > 5 ? double.Parse(args[5], CultureInfo.InvariantCulture) : 4.0);

await using var api = await FakeWeChatApi.StartAsync();
var data = Directory.CreateTempSubdirectory("wechat-bench-");
var port = FreePort();
var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
foreach (var a in new[] { args[0], "--urls", $"http://127.0.0.1:{port}" }) start.ArgumentList.Add(a);
foreach (var (k, v) in new Dictionary<string, string>
{
    ["Knowledge__Path"] = args[1], ["Data__Path"] = data.FullName, ["Logging__LogLevel__Default"] = "Warning",
    ["Conversation__MessagesPerMinute"] = "10000", ["WeChat__Token"] = Token, ["WeChat__AppId"] = AppId, ["WeChat__AppSecret"] = "bench",
    ["WeChat__Mode"] = "safe", ["WeChat__EncodingAESKey"] = AesKey, ["WeChat__ApiBaseUrl"] = api.BaseUrl,
    ["WeChat__ReplyDeadlineSeconds"] = deadline.TotalSeconds.ToString(CultureInfo.InvariantCulture),
}) start.Environment[k] = v;
using var process = Process.Start(start)!;
process.OutputDataReceived += (_, _) => { };
process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("service: " + e.Data); };
process.BeginOutputReadLine();
process.BeginErrorReadLine();
var service = new Uri($"http://127.0.0.1:{port}/");
try
{
    return await RunAsync();
}
finally
{
    process.Kill(entireProcessTree: true);
    await process.WaitForExitAsync();
    data.Delete(recursive: true);
}

async Task<int> RunAsync()
{
using (var probe = new HttpClient { BaseAddress = service })
{
    for (var i = 0; ; i++)
    {
        try
        {
            Console.WriteLine("service: " + await probe.GetStringAsync("healthz"));
            break;
        }
        catch (HttpRequestException) when (i < 120)
        {
            await Task.Delay(500);
        }
    }
}

var cipher = new WeChatCipher(AesKey, AppId);
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = service, Timeout = TimeSpan.FromSeconds(30) };
var latencies = new ConcurrentBag<double>();
var passive = 0;
var success = 0;
var errors = new ConcurrentBag<string>();
var next = -1;

async Task Worker()
{
    int i;
    while ((i = Interlocked.Increment(ref next)) < requests)
    {
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = i.ToString(CultureInfo.InvariantCulture);
        // One citizen per request: the per-citizen rate limit and ordering do not serialise the benchmark.
        var xml = $"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[user{i}]]></FromUserName><CreateTime>{ts}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{questions[i % questions.Length]}]]></Content><MsgId>{1_000_000 + i}</MsgId></xml>";
        var encrypt = cipher.Encrypt(xml);
        var url = $"api/wechat?timestamp={ts}&nonce={nonce}&signature={WeChatSignature.Compute(Token, ts, nonce)}&msg_signature={WeChatSignature.Compute(Token, ts, nonce, encrypt)}&encrypt_type=aes";
        var body = $"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>";
        var clock = Stopwatch.StartNew();
        try
        {
            using var response = await http.PostAsync(url, new StringContent(body, Encoding.UTF8, "text/xml"));
            var text = await response.Content.ReadAsStringAsync();
            latencies.Add(clock.Elapsed.TotalMilliseconds);
            if (!response.IsSuccessStatusCode) errors.Add($"{(int)response.StatusCode} {text}");
            else if (text == "success") Interlocked.Increment(ref success);
            else
            {
                var envelope = WeChatXml.Parse(text);
                var reply = WeChatXml.Parse(cipher.Decrypt(envelope.Encrypt!));
                if (reply.ToUserName != $"user{i}" || string.IsNullOrEmpty(reply.Content)) errors.Add("reply for the wrong user or empty");
                Interlocked.Increment(ref passive);
            }
        }
        catch (Exception ex)
        {
            errors.Add(ex.GetType().Name + ": " + ex.Message);
        }
    }
}

// Warm-up (JIT, connections), not measured.
var measured = requests;
requests = Math.Min(200, measured);
await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Worker()));
latencies.Clear(); errors.Clear(); passive = 0; success = 0; next = 100_000 - 1; requests = 100_000 + measured;

var wall = Stopwatch.StartNew();
await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Worker()));
wall.Stop();

var sorted = latencies.OrderBy(x => x).ToArray();
double P(double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
Console.WriteLine($"machine: {Environment.ProcessorCount} cores; {measured} requests, {concurrency} concurrent, deadline {deadline.TotalMilliseconds:0} ms");
Console.WriteLine($"passive replies {passive}, 'success' (answer sent later through the API) {success}, errors {errors.Count}");
Console.WriteLine($"latency ms: p50 {P(0.50):0.0}  p95 {P(0.95):0.0}  p99 {P(0.99):0.0}  max {sorted.LastOrDefault():0.0}  throughput {measured / wall.Elapsed.TotalSeconds:0} req/s");
Console.WriteLine($"p99 within deadline: {(P(0.99) <= deadline.TotalMilliseconds ? "yes" : "NO")}");

// Answers that missed the deadline arrive through the API; each message must be answered exactly once.
var expectedLater = success;
var later = (await api.WaitForSentAsync(expectedLater, TimeSpan.FromSeconds(60))).Where(m => int.Parse(m.ToUser[4..], CultureInfo.InvariantCulture) >= 100_000).ToList();
await Task.Delay(1000);
var duplicates = later.GroupBy(m => m.ToUser).Count(g => g.Count() > 1);
Console.WriteLine($"sent later through the API: {later.Count} of {expectedLater}; duplicate answers: {duplicates}");
foreach (var e in errors.Take(5)) Console.WriteLine("error: " + e);
return errors.IsEmpty && P(0.99) <= deadline.TotalMilliseconds && duplicates == 0 && later.Count >= expectedLater ? 0 : 1;
}

static int FreePort()
{
    using var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
    l.Start();
    return ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
}
