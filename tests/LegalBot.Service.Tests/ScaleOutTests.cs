using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LegalBot.Cases;
using LegalBot.Cases.Privacy;
using LegalBot.Channels.Tests;
using LegalBot.Channels.WeChat;

namespace LegalBot.Service.Tests;

/// <summary>
/// Two instances sharing one PostgreSQL (<c>Data__Shared=true</c>) behind a round-robin balancer with no affinity:
/// every request goes to the next instance. A dialog spans both, a WeChat message retried on both is answered once,
/// staff see what either was asked, and when one instance dies the other carries on with the same conversations.
/// </summary>
[Trait("Category", "Postgres")]
public sealed class ScaleOutTests
{
    private const string Token = "legalbotToken1";
    private const string AdminKey = "admin-key-for-scale-out-tests";

    [Fact]
    public async Task Two_instances_behind_round_robin_share_dialogs_wechat_deliveries_and_staff_logs_and_survive_one_dying()
    {
        await using var api = await FakeWeChatApi.StartAsync();
        var env = await SharedEnvironmentAsync(api);
        using var first = new ServiceWorkspace();
        using var second = new ServiceWorkspace();
        await using var a = await ServiceProcess.StartAsync(first.Knowledge, first.Data, env);
        await using var b = await ServiceProcess.StartAsync(second.Knowledge, second.Data, env);
        using var balancer = new RoundRobin(a.BaseAddress, b.BaseAddress);
        using var http = new HttpClient(balancer) { BaseAddress = new Uri("http://balancer/"), Timeout = TimeSpan.FromSeconds(30) };

        // A legal-aid application whose every turn lands on the other instance than the last.
        var dl = new DirectLineClient(http);
        await dl.StartAsync();
        string last = "";
        foreach (var message in new[] { "我想申请法律援助,老板欠我工资", "是", "城关镇东关村", "张三", "13812345678", "老板拖欠我三个月工资，一共一万二", "同意", "确认提交" })
            last = await TextAsync(dl, message);
        var reference = ReferenceNumbers.Find(last);
        Assert.NotNull(reference);
        Assert.True(balancer.Served(a.BaseAddress) > 4 && balancer.Served(b.BaseAddress) > 4, "both instances served the dialog");

        // WeChat retries one message while the first delivery is still open, landing on both instances: one answer.
        var body = TextXml("oCitizen", "怎么申请法律援助", 77_001);
        var query = Query();
        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(async i =>
        {
            using var r = await (i % 2 == 0 ? a : b).Http.PostAsync("api/wechat?" + query, new StringContent(body, Encoding.UTF8, "text/xml"));
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            return await r.Content.ReadAsStringAsync();
        }));
        var answered = Assert.Single(responses, r => r != "success");
        Assert.Contains("法律援助", WeChatXml.Parse(answered).Content, StringComparison.Ordinal);
        await Task.Delay(1500);
        Assert.Empty(api.Sent);

        // A question nobody could answer, asked through one instance, is on the other's staff list.
        await TextAsync(dl, "如何提高睡眠质量");
        using var staff = new HttpRequestMessage(HttpMethod.Get, "api/staff/unanswered");
        staff.Headers.Add("X-Api-Key", AdminKey);
        using var listed = await b.Http.SendAsync(staff);
        var unanswered = await listed.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(unanswered.EnumerateArray(), q => q.GetProperty("question").GetString() == "如何提高睡眠质量");
        // 咨询人次 go with each turn's write batch into the shared database: either instance counts both instances' turns
        // (the WeChat answer, the question not answered), not only its own.
        using var statsRequest = new HttpRequestMessage(HttpMethod.Get, "api/staff/stats");
        statsRequest.Headers.Add("X-Api-Key", AdminKey);
        using var statsResponse = await a.Http.SendAsync(statsRequest);
        var stats = await statsResponse.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(stats.GetProperty("consultations").GetInt32() >= 2, stats.ToString());
        Assert.True(stats.GetProperty("consultationFigures").GetProperty("answered").GetInt32() >= 1, stats.ToString());

        // One instance dies: the same conversation, token and watermark go on through the other, and WeChat is answered there.
        a.Kill();
        Assert.Contains("离婚", await TextAsync(dl, "离婚要带什么材料"), StringComparison.Ordinal);
        using (var r = await b.Http.PostAsync("api/wechat?" + Query(), new StringContent(TextXml("oCitizen", "老板拖欠工资怎么办", 77_002), Encoding.UTF8, "text/xml")))
            Assert.Contains("工资", WeChatXml.Parse(await r.Content.ReadAsStringAsync()).Content, StringComparison.Ordinal);
        var health = await b.Http.GetFromJsonAsync<JsonElement>("healthz");
        Assert.Equal(1, health.GetProperty("webChatConversations").GetInt32());
    }

    private static async Task<Dictionary<string, string>> SharedEnvironmentAsync(FakeWeChatApi api)
    {
        var admin = System.Environment.GetEnvironmentVariable("LEGALBOT_TEST_POSTGRES")
            ?? throw new InvalidOperationException("LEGALBOT_TEST_POSTGRES is not set (tests/run.sh starts a throwaway PostgreSQL)");
        var database = "scale_" + Guid.NewGuid().ToString("N")[..8];
        await using (var c = new Npgsql.NpgsqlConnection(admin))
        {
            await c.OpenAsync();
            await using var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE {database}", c);
            await create.ExecuteNonQueryAsync();
        }
        return new Dictionary<string, string>
        {
            ["Cases__Database"] = "postgresql",
            ["Cases__ConnectionString"] = new Npgsql.NpgsqlConnectionStringBuilder(admin) { Database = database }.ConnectionString,
            ["Cases__EncryptionKey"] = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()),
            ["Data__Shared"] = "true",
            ["WebChat__TokenKey"] = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)(255 - i)).ToArray()),
            ["Staff__Keys__0__Office"] = "*",
            ["Staff__Keys__0__Worker"] = "管理员",
            ["Staff__Keys__0__KeyHash"] = ApiKeys.Hash(AdminKey),
            ["WeChat__Token"] = Token,
            ["WeChat__AppId"] = "wxlegalbottest",
            ["WeChat__AppSecret"] = "secret",
            ["WeChat__Mode"] = "plain",
            ["WeChat__ApiBaseUrl"] = api.BaseUrl,
            ["WeChat__ReplyDeadlineSeconds"] = "4",
        };
    }

    private static async Task<string> TextAsync(DirectLineClient dl, string message)
    {
        var replies = await dl.AskAsync(message);
        Assert.NotEmpty(replies);
        return string.Join("\n", replies.Select(r => r.GetProperty("text").GetString()));
    }

    private static string Query()
    {
        var nonce = Guid.NewGuid().ToString("N")[..10];
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"timestamp={ts}&nonce={nonce}&signature={WeChatSignature.Compute(Token, ts, nonce)}";
    }

    private static string TextXml(string from, string content, long msgId) =>
        $"<xml><ToUserName><![CDATA[gh_county]]></ToUserName><FromUserName><![CDATA[{from}]]></FromUserName><CreateTime>{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{content}]]></Content><MsgId>{msgId}</MsgId></xml>";

    /// <summary>
    /// A balancer with no affinity: each request goes to the next instance; one that refuses connections is skipped,
    /// as a balancer's health check would.
    /// </summary>
    private sealed class RoundRobin(params Uri[] instances) : DelegatingHandler(new SocketsHttpHandler())
    {
        private readonly Dictionary<Uri, int> _served = instances.ToDictionary(i => i, _ => 0);
        private int _next;

        public int Served(Uri instance) { lock (_served) return _served[instance]; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.PathAndQuery;
            for (var attempt = 0; attempt < instances.Length; attempt++)
            {
                var target = instances[(Interlocked.Increment(ref _next) & int.MaxValue) % instances.Length];
                request.RequestUri = new Uri(target, path);
                try
                {
                    var response = await base.SendAsync(request, cancellationToken);
                    lock (_served) _served[target]++;
                    return response;
                }
                catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConnectionError && attempt < instances.Length - 1)
                {
                    // That instance is down: the request never reached it, so the next one takes it.
                }
            }
            throw new InvalidOperationException("unreachable");
        }
    }
}
