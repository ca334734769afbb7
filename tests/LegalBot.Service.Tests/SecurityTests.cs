using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using LegalBot.Cases.Privacy;
using LegalBot.Channels.WeChat;

namespace LegalBot.Service.Tests;

/// <summary>
/// The attacks of the security audit, replayed against the real service process in its default (production)
/// configuration: each is refused, and the service keeps answering citizens afterwards.
/// </summary>
public sealed class SecurityTests
{
    private const string WeChatToken = "securityTestsToken";
    private const string StaffKey = "security-tests-staff-key";

    private static Dictionary<string, string> WeChat(Dictionary<string, string>? more = null)
    {
        var env = new Dictionary<string, string>
        {
            ["WeChat__Token"] = WeChatToken,
            ["WeChat__AppId"] = "wxsecuritytest",
            ["WeChat__Mode"] = "plain",
            ["Staff__Keys__0__Office"] = "*",
            ["Staff__Keys__0__Worker"] = "安全测试",
            ["Staff__Keys__0__KeyHash"] = ApiKeys.Hash(StaffKey),
        };
        foreach (var (k, v) in more ?? []) env[k] = v;
        return env;
    }

    private static string SignedQuery(string? nonce = null, long? timestamp = null)
    {
        nonce ??= Guid.NewGuid().ToString("N")[..12];
        var ts = (timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds()).ToString(CultureInfo.InvariantCulture);
        return $"timestamp={ts}&nonce={nonce}&signature={WeChatSignature.Compute(WeChatToken, ts, nonce)}";
    }

    private static string TextXml(string from, string content, long msgId) =>
        $"<xml><ToUserName><![CDATA[gh_county]]></ToUserName><FromUserName><![CDATA[{from}]]></FromUserName><CreateTime>{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{content}]]></Content><MsgId>{msgId}</MsgId></xml>";

    private static async Task<(HttpStatusCode Status, string Body)> WeChatPostAsync(ServiceProcess s, string query, string xml)
    {
        using var r = await s.Http.PostAsync("api/wechat?" + query, new StringContent(xml, Encoding.UTF8, "text/xml"));
        return (r.StatusCode, await r.Content.ReadAsStringAsync());
    }

    private static object Activity(string conversation, string text, string serviceUrl = "http://127.0.0.1:9/", string deliveryMode = "expectReplies", string from = "attacker") => new
    {
        type = "message", id = "a-" + Guid.NewGuid().ToString("N")[..8], channelId = "emulator", serviceUrl, deliveryMode, text,
        from = new { id = from }, recipient = new { id = "bot" }, conversation = new { id = conversation },
    };

    private static async Task<JsonElement> StaffAsync(ServiceProcess s, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Api-Key", StaffKey);
        using var r = await s.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        return await r.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task AssertStillAnswersAsync(ServiceProcess s)
    {
        var dl = new DirectLineClient(s.Http);
        await dl.StartAsync();
        var reply = await dl.AskAsync("申请法律援助要带什么材料");
        Assert.Contains("出处", reply[0].GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    // ---- 1. identity by channel --------------------------------------------------------------------------

    [Fact]
    public async Task Api_messages_cannot_continue_a_wechat_citizens_application()
    {
        using var workspace = new ServiceWorkspace();
        await using var service = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data,
            WeChat(new() { ["Bot__AllowAnonymous"] = "true" }));
        long msg = 1;
        foreach (var t in new[] { "我要申请法律援助", "1", "是", "城关镇", "孙小梅", "13912345678", "工地欠了我三个月工资" })
            Assert.Equal(HttpStatusCode.OK, (await WeChatPostAsync(service, SignedQuery(), TextXml("oVictim", t, msg++))).Status);

        // The attacker names the WeChat conversation in /api/messages (anonymous mode on, from loopback).
        using var r = await service.Http.PostAsJsonAsync("api/messages", Activity("wechat:oVictim", "修改"));
        var body = await r.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.DoesNotContain("孙小梅", body, StringComparison.Ordinal);
        Assert.DoesNotContain("13912345678", body, StringComparison.Ordinal);
        Assert.DoesNotContain("139****5678", body, StringComparison.Ordinal);
        using var confirm = await service.Http.PostAsJsonAsync("api/messages", Activity("wechat:oVictim", "确认提交"));
        Assert.DoesNotContain("FY-", await confirm.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty((await StaffAsync(service, "api/staff/cases")).EnumerateArray());

        // The citizen's own application is untouched.
        var (_, reply) = await WeChatPostAsync(service, SignedQuery(), TextXml("oVictim", "同意", msg++));
        Assert.Contains("孙", WeChatXml.Parse(reply).Content!, StringComparison.Ordinal);

        // Staff logs name no conversation ids.
        var dl = new DirectLineClient(service.Http);
        await dl.StartAsync();
        await dl.AskAsync("今天天气怎么样");
        var unanswered = (await StaffAsync(service, "api/staff/unanswered")).GetRawText();
        Assert.DoesNotContain(dl.ConversationId, unanswered, StringComparison.Ordinal);
        Assert.DoesNotContain("oVictim", unanswered, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_messages_is_closed_by_default_and_anonymous_mode_serves_only_direct_loopback_callers()
    {
        using var workspace = new ServiceWorkspace();
        await using (var closed = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data))
        {
            using var r = await closed.Http.PostAsJsonAsync("api/messages", Activity("c1", "离婚要带什么材料"));
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        }
        await using var service = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data, new Dictionary<string, string> { ["Bot__AllowAnonymous"] = "true" });
        using var proxied = new HttpRequestMessage(HttpMethod.Post, "api/messages") { Content = JsonContent.Create(Activity("c1", "离婚要带什么材料")) };
        proxied.Headers.Add("X-Forwarded-For", "203.0.113.9");
        using (var r = await service.Http.SendAsync(proxied)) Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        using (var r = await service.Http.PostAsJsonAsync("api/messages", Activity("c1", "离婚要带什么材料"))) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
    }

    // ---- 2. SSRF -----------------------------------------------------------------------------------------

    [Fact]
    public async Task Replies_are_never_posted_to_an_arbitrary_service_url()
    {
        using var workspace = new ServiceWorkspace();
        await using var service = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data, new Dictionary<string, string> { ["Bot__AllowAnonymous"] = "true" });
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var probes = new[]
        {
            "http://10.0.0.1:22/", "http://169.254.169.254/latest/meta-data/", $"http://127.0.0.1:{port}/?x=1", $"http://user@127.0.0.1:{port}/",
            "ftp://127.0.0.1/", "https://evil.example/",
        };
        foreach (var url in probes)
        {
            using var r = await service.Http.PostAsJsonAsync("api/messages", Activity("ssrf", "离婚要带什么材料", url, "normal"));
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        }
        Assert.False(listener.Pending(), "the service connected to a refused serviceUrl");
    }

    // ---- 3. hostile knowledge files ----------------------------------------------------------------------

    [Fact]
    public async Task Hostile_knowledge_files_are_reported_and_the_service_keeps_answering()
    {
        using var workspace = new ServiceWorkspace();
        var outside = Path.Combine(workspace.Root, "secret.md");
        File.WriteAllText(outside, "---\ntitle: 服务器密码\nkind: guide\n---\n\n## 密码\n\nroot 密码是 hunter2-secret。\n");
        var hostile = Path.Combine(workspace.Knowledge, "hostile");
        Directory.CreateDirectory(hostile);
        File.WriteAllText(Path.Combine(hostile, "quotes.md"), "---\ntitle: 引用\nkind: guide\n---\n\n## 引用\n\n" + new string('>', 128) + " 深\n");
        File.WriteAllText(Path.Combine(hostile, "brackets.md"), "---\ntitle: " + new string('[', 60_000) + "\nkind: guide\n---\n\n## 正文\n\n文字。\n");
        File.WriteAllText(Path.Combine(hostile, "lists.md"), "# 列表\n\n" + string.Concat(Enumerable.Repeat("- ", 200)) + "深\n");
        File.CreateSymbolicLink(Path.Combine(hostile, "linked.md"), outside);
        Directory.CreateSymbolicLink(Path.Combine(hostile, "linked-folder"), workspace.Root);
        using (var big = File.Create(Path.Combine(hostile, "huge.md"))) big.SetLength(50L * 1024 * 1024);
        File.WriteAllBytes(Path.Combine(hostile, "gbk.md"), [0xC0, 0xEB, 0xBB, 0xE9]);

        await using var service = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data, WeChat());
        await AssertStillAnswersAsync(service);
        var problems = (await StaffAsync(service, "api/staff/knowledge")).GetProperty("problems").EnumerateArray().Select(p => p.GetString()!).ToList();
        foreach (var (file, line) in new[] { ("hostile/quotes.md", 8), ("hostile/brackets.md", 2), ("hostile/lists.md", 3), ("hostile/linked.md", 1), ("hostile/huge.md", 1), ("hostile/gbk.md", 1), ("hostile/linked-folder", 1) })
            Assert.Contains(problems, p => p.StartsWith($"{file}:{line}:", StringComparison.Ordinal));
        Assert.True(service.ResidentBytes < 600L * 1024 * 1024, $"resident memory {service.ResidentBytes / 1048576} MB");

        var dl = new DirectLineClient(service.Http);
        await dl.StartAsync();
        Assert.DoesNotContain("hunter2", string.Concat((await dl.AskAsync("服务器 root 密码是多少")).Select(a => a.GetRawText())), StringComparison.Ordinal);

        // Saved while running: reported, and the service still answers.
        File.WriteAllText(Path.Combine(hostile, "late.md"), "---\ntitle: 晚到\nkind: guide\n---\n\n" + string.Concat(Enumerable.Repeat("> ", 300)) + "x\n");
        await Task.Delay(1500);
        Assert.False(service.HasExited);
        await AssertStillAnswersAsync(service);
        service.Kill();

        // And a restart with the same folder serves the good files (no crash loop).
        await using var again = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data, WeChat());
        await AssertStillAnswersAsync(again);
    }

    // ---- 4. floods ---------------------------------------------------------------------------------------

    [Fact]
    public async Task A_token_flood_from_one_client_is_limited_and_stores_nothing()
    {
        using var workspace = new ServiceWorkspace();
        await using var service = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data);
        var before = service.ResidentBytes;
        int ok = 0, limited = 0;
        using var clock = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (!clock.IsCancellationRequested)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/webchat/token");
            // A forged X-Forwarded-For changes nothing: no proxy is configured as known.
            request.Headers.Add("X-Forwarded-For", "198.51.100." + (ok + limited) % 250);
            using var r = await service.Http.SendAsync(request);
            if (r.StatusCode == HttpStatusCode.OK) ok++;
            else if ((int)r.StatusCode == 429) limited++;
            else Assert.Fail("unexpected " + r.StatusCode);
        }
        Assert.InRange(ok, 1, 60);
        Assert.True(limited > 100, $"only {limited} refused");
        var health = await service.Http.GetFromJsonAsync<JsonElement>("healthz");
        Assert.Equal(0, health.GetProperty("webChatConversations").GetInt32());
        Assert.True(service.ResidentBytes - before < 100L * 1024 * 1024, $"grew {(service.ResidentBytes - before) / 1048576} MB");
    }

    [Fact]
    public async Task Big_or_many_activities_are_refused_or_capped_and_new_tokens_do_not_reset_the_limit()
    {
        using var workspace = new ServiceWorkspace();
        await using var service = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data, new Dictionary<string, string>
        {
            ["Limits__MaxActivitiesPerConversation"] = "50",
            ["Limits__MessagesPerMinutePerClient"] = "40",
            ["Limits__ConversationsPerMinutePerClient"] = "1000",
        });
        var dl = new DirectLineClient(service.Http);
        await dl.StartAsync();
        using (var big = dl.Request(HttpMethod.Post, $"v3/directline/conversations/{dl.ConversationId}/activities",
                   new { type = "event", name = "x", value = new string('x', 250_000) }))
        using (var r = await service.Http.SendAsync(big))
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r.StatusCode);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 120; i++)
        {
            using var ev = dl.Request(HttpMethod.Post, $"v3/directline/conversations/{dl.ConversationId}/activities", new { type = "event", name = "e" + i, value = "v" });
            using var r = await service.Http.SendAsync(ev);
            statuses.Add(r.StatusCode);
        }
        Assert.Contains((HttpStatusCode)429, statuses);
        var all = await dl.PollAsync();
        Assert.InRange(all.Count, 1, 50);

        // A new token (new conversation) per message: the per-address limit still applies.
        var texts = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            var fresh = new DirectLineClient(service.Http);
            await fresh.StartAsync();
            texts.Add((await fresh.AskAsync("离婚要带什么材料"))[0].GetProperty("text").GetString()!);
        }
        Assert.Contains(texts, t => t.Contains("您发送得太快了", StringComparison.Ordinal));
    }

    // ---- 5. staff data -----------------------------------------------------------------------------------

    [Fact]
    public async Task Staff_views_need_a_key_in_production_and_personal_numbers_are_masked_at_rest()
    {
        using var workspace = new ServiceWorkspace(withMatters: false);
        await using (var noKeys = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data))
        {
            foreach (var path in new[] { "api/staff/unanswered", "api/staff/feedback", "api/staff/knowledge" })
                using (var r = await noKeys.Http.GetAsync(path)) Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        }
        await using var service = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data, WeChat());
        var dl = new DirectLineClient(service.Http);
        await dl.StartAsync();
        const string Leaky = "今天天气怎么样 +86 138-1234-5678 110101900307123 6222021234567890";
        await dl.AskAsync(Leaky);
        var unanswered = (await StaffAsync(service, "api/staff/unanswered")).GetRawText();
        Assert.Contains("138****5678", unanswered, StringComparison.Ordinal);
        foreach (var secret in new[] { "1234-5678", "110101900307123", "6222021234567890" })
        {
            Assert.DoesNotContain(secret, unanswered, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, service.Output, StringComparison.Ordinal);
        }
        service.Kill();
        foreach (var file in new[] { "conversations.db", "conversations.db-wal" })
        {
            var path = Path.Combine(workspace.Data, file);
            if (!File.Exists(path)) continue;
            var raw = Encoding.UTF8.GetString(File.ReadAllBytes(path));
            Assert.DoesNotContain("110101900307123", raw, StringComparison.Ordinal);
            Assert.DoesNotContain("6222021234567890", raw, StringComparison.Ordinal);
        }
        if (OperatingSystem.IsWindows()) return;
        foreach (var file in new[] { "cases.db", "conversations.db", "cases.key", "directline.key", "stores.json" })
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(workspace.Data, file)));
    }

    [Fact]
    public async Task Staff_pages_and_case_json_cannot_be_framed_or_cached()
    {
        using var workspace = new ServiceWorkspace();
        await using var service = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data, WeChat());
        foreach (var path in new[] { "staff.html", "api/staff/cases" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("X-Api-Key", StaffKey);
            using var r = await service.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Contains("frame-ancestors 'none'", string.Join(";", r.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
            Assert.Equal("no-store", r.Headers.CacheControl!.ToString());
        }
    }

    // ---- 6. progress query -------------------------------------------------------------------------------

    [Fact]
    public async Task Progress_query_guessing_across_conversations_is_locked_and_unknown_references_sound_the_same()
    {
        using var workspace = new ServiceWorkspace();
        await using var service = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data, new Dictionary<string, string> { ["Limits__ConversationsPerMinutePerClient"] = "1000" });
        var citizen = new DirectLineClient(service.Http);
        await citizen.StartAsync();
        string? filed = null;
        foreach (var t in new[] { "我要申请法律援助", "1", "是", "城关镇", "周小龙", "13600001234", "老板欠工资不给", "同意", "确认提交" })
            filed = (await citizen.AskAsync(t))[^1].GetProperty("text").GetString();
        var reference = LegalBot.Cases.ReferenceNumbers.Find(filed!)!;

        string Ask(DirectLineClient c, string text) => c.AskAsync(text).GetAwaiter().GetResult()[^1].GetProperty("text").GetString()!;
        for (var i = 0; i < 6; i++)
        {
            var guesser = new DirectLineClient(service.Http);
            await guesser.StartAsync();
            Ask(guesser, "查询进度 " + reference);
            Ask(guesser, (5000 + i).ToString(CultureInfo.InvariantCulture));
        }
        var owner = new DirectLineClient(service.Http);
        await owner.StartAsync();
        Ask(owner, "查询进度 " + reference);
        Assert.Contains("今天不能再在线查询", Ask(owner, "1234"), StringComparison.Ordinal);

        var probe = new DirectLineClient(service.Http);
        await probe.StartAsync();
        Ask(probe, "查询进度 FY-260101-ABCD");
        var unknown = Ask(probe, "1234");
        var known = new DirectLineClient(service.Http);
        await known.StartAsync();
        Ask(known, "查询进度 TJ-260101-WXYZ");
        Assert.Equal(unknown, Ask(known, "9999"));
    }

    // ---- 7. keys and stores ------------------------------------------------------------------------------

    [Fact]
    public async Task A_missing_case_key_or_an_emptied_database_stops_the_start_naming_the_file()
    {
        using var workspace = new ServiceWorkspace();
        await using (var first = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data))
        {
            var dl = new DirectLineClient(first.Http);
            await dl.StartAsync();
            foreach (var t in new[] { "我要申请法律援助", "1", "是", "城关镇", "吴大海", "13700002222", "工资被拖欠", "同意", "确认提交" }) await dl.AskAsync(t);
        }
        var key = Path.Combine(workspace.Data, "cases.key");
        var db = Path.Combine(workspace.Data, "cases.db");
        var keyBackup = File.ReadAllBytes(key);

        File.Delete(key);
        var (code, output) = await ServiceProcess.RunToExitAsync(workspace.Knowledge, workspace.Data);
        Assert.Equal(2, code);
        Assert.Contains("cases.key is missing", output, StringComparison.Ordinal);
        Assert.False(File.Exists(key), "a new key was created while encrypted cases exist");

        File.WriteAllText(key, Convert.ToBase64String(new byte[32]));
        (code, output) = await ServiceProcess.RunToExitAsync(workspace.Knowledge, workspace.Data);
        Assert.Equal(2, code);
        Assert.Contains("is not the key", output, StringComparison.Ordinal);

        File.WriteAllBytes(key, keyBackup);
        foreach (var sidecar in new[] { db + "-wal", db + "-shm" }) File.Delete(sidecar);
        var dbBackup = File.ReadAllBytes(db);
        File.WriteAllBytes(db, []);
        (code, output) = await ServiceProcess.RunToExitAsync(workspace.Knowledge, workspace.Data);
        Assert.Equal(2, code);
        Assert.Contains("cases.db is empty or was replaced", output, StringComparison.Ordinal);

        File.WriteAllBytes(db, dbBackup.AsSpan(0, dbBackup.Length / 2).ToArray());
        (code, output) = await ServiceProcess.RunToExitAsync(workspace.Knowledge, workspace.Data);
        Assert.Equal(2, code);
        Assert.Contains("cases.db", output, StringComparison.Ordinal);

        File.WriteAllBytes(db, dbBackup);
        File.WriteAllText(Path.Combine(workspace.Data, "directline.key"), "not a key");
        (code, output) = await ServiceProcess.RunToExitAsync(workspace.Knowledge, workspace.Data);
        Assert.Equal(2, code);
        Assert.Contains("web chat key", output, StringComparison.Ordinal);
        Assert.Contains("directline.key", output, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "Postgres")]
    public async Task PostgreSQL_down_at_start_is_retried_and_the_service_is_not_ready_until_it_answers()
    {
        var admin = System.Environment.GetEnvironmentVariable("LEGALBOT_TEST_POSTGRES")
            ?? throw new InvalidOperationException("LEGALBOT_TEST_POSTGRES is not set (tests/run.sh starts a throwaway PostgreSQL)");
        var real = new Npgsql.NpgsqlConnectionStringBuilder(admin);
        var database = "sec_" + Guid.NewGuid().ToString("N")[..8];
        await using (var c = new Npgsql.NpgsqlConnection(admin))
        {
            await c.OpenAsync();
            await using var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE {database}", c);
            await create.ExecuteNonQueryAsync();
        }
        using var workspace = new ServiceWorkspace();
        var port = ServiceProcess.FreePort();
        var connection = new Npgsql.NpgsqlConnectionStringBuilder(admin) { Port = port, Database = database, Timeout = 2 }.ConnectionString;
        await using var service = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data, new Dictionary<string, string>
        {
            ["Cases__Database"] = "postgresql",
            ["Cases__ConnectionString"] = connection,
            ["Cases__EncryptionKey"] = Convert.ToBase64String(new byte[32].Select((_, i) => (byte)i).ToArray()),
        });
        using (var r = await service.Http.GetAsync("readyz")) Assert.Equal(HttpStatusCode.ServiceUnavailable, r.StatusCode);
        await AssertStillAnswersAsync(service);

        // PostgreSQL "comes up" on the configured port: a relay to the real server.
        using var relay = new TcpListener(IPAddress.Loopback, port);
        relay.Start();
        using var stop = new CancellationTokenSource();
        _ = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var client = await relay.AcceptTcpClientAsync(stop.Token);
                _ = Task.Run(async () =>
                {
                    using var upstream = new TcpClient();
                    await upstream.ConnectAsync(real.Host!, real.Port);
                    using var a = client;
                    var down = client.GetStream().CopyToAsync(upstream.GetStream());
                    var up = upstream.GetStream().CopyToAsync(client.GetStream());
                    await Task.WhenAny(down, up);
                });
            }
        });
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var ready = false;
        while (!ready && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
            using var r = await service.Http.GetAsync("readyz");
            ready = r.StatusCode == HttpStatusCode.OK;
        }
        await stop.CancelAsync();
        Assert.True(ready, "not ready after PostgreSQL came up: " + service.Output);
    }

    // ---- 8. WeChat plain-mode replay ---------------------------------------------------------------------

    [Fact]
    public async Task A_captured_wechat_signature_cannot_carry_another_message()
    {
        using var workspace = new ServiceWorkspace();
        await using var service = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data, WeChat());
        var query = SignedQuery();
        // One body, sent twice: WeChat's retry is byte-identical (rebuilding it could land in the next second's CreateTime).
        var message = TextXml("oCitizen", "离婚要带什么材料", 7001);
        Assert.Equal(HttpStatusCode.OK, (await WeChatPostAsync(service, query, message)).Status);
        // WeChat's own retry (same body) is still answered.
        Assert.Equal(HttpStatusCode.OK, (await WeChatPostAsync(service, query, message)).Status);
        foreach (var other in new[] { "oSomeoneElse", "oThird" })
            Assert.Equal(HttpStatusCode.Forbidden, (await WeChatPostAsync(service, query, TextXml(other, "查询进度", 7002))).Status);
        Assert.Equal(HttpStatusCode.OK, (await WeChatPostAsync(service, SignedQuery(), TextXml("oCitizen", "谢谢", 7003))).Status);
    }
}
