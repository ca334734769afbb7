using LegalBot.Conversation.Answering.Grounded;
using LegalBot.Channels;
using LegalBot.Channels.BotFramework;
using LegalBot.Channels.WeChat;
using LegalBot.Channels.DirectLine;
using LegalBot.Cases.Storage;
using LegalBot.Conversation;
using LegalBot.Conversation.Intake;
using LegalBot.Conversation.State;
using LegalBot.Service.Endpoints;
using LegalBot.Service.Hosting;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Options;

// Content (appsettings.json, wwwroot) comes from the app's own folder; relative data paths from the working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
    builder.WebHost.UseUrls("http://localhost:3978");
builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = BotMessageProcessor.MaxBodyBytes);

builder.Logging.ClearProviders();
builder.Logging.AddConsole(o => o.FormatterName = MaskingJsonFormatter.FormatterName).AddConsoleFormatter<MaskingJsonFormatter, Microsoft.Extensions.Logging.Console.ConsoleFormatterOptions>();

builder.Services.AddOptions<KnowledgeOptions>().BindConfiguration(KnowledgeOptions.Section).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddSingleton<IValidateOptions<KnowledgeOptions>, KnowledgeOptionsValidator>();
builder.Services.AddOptions<IndexOptions>().BindConfiguration(IndexOptions.Section).ValidateOnStart();
builder.Services.AddOptions<QdrantOptions>().BindConfiguration(QdrantOptions.Section);
builder.Services.AddOptions<EmbeddingsOptions>().BindConfiguration(EmbeddingsOptions.Section);
builder.Services.AddOptions<RerankOptions>().BindConfiguration(RerankOptions.Section);
builder.Services.AddSingleton<IValidateOptions<IndexOptions>, IndexOptionsValidator>();
builder.Services.AddOptions<LlmOptions>().BindConfiguration(LlmOptions.Section).ValidateOnStart();
builder.Services.AddSingleton<IValidateOptions<LlmOptions>, LlmOptionsValidator>();
builder.Services.AddHttpClient("llm", c => c.Timeout = TimeSpan.FromSeconds(60));
builder.Services.AddOptions<DataOptions>().BindConfiguration(DataOptions.Section).ValidateDataAnnotations()
    .Validate(o => !o.Shared || (builder.Configuration["Cases:Database"] == "postgresql" && !string.IsNullOrWhiteSpace(builder.Configuration["WebChat:TokenKey"])),
        DataOptions.SharedNeedsPostgres)
    .ValidateOnStart();
builder.Services.AddOptions<BotOptions>().BindConfiguration(BotOptions.Section).ValidateDataAnnotations()
    .Validate(o => string.IsNullOrEmpty(o.MicrosoftAppId) == string.IsNullOrEmpty(o.MicrosoftAppPassword),
        "Bot:MicrosoftAppId and Bot:MicrosoftAppPassword must be set together").ValidateOnStart();
builder.Services.AddOptions<ConversationOptions>().BindConfiguration(ConversationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddOptions<WebChatOptions>().BindConfiguration(WebChatOptions.Section).ValidateDataAnnotations()
    .Validate(o => o.OriginsAreValid(), WebChatOptions.InvalidOrigins).Validate(o => o.TokenKeyIsValid(), WebChatOptions.InvalidTokenKey)
    .ValidateOnStart();
// Pages on the origins staff list (the county portal) may embed the chat; with none listed, only this site's own page.
builder.Services.AddCors();
builder.Services.AddOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>().Configure<IOptions<WebChatOptions>>((cors, web) =>
    cors.AddPolicy(DirectLineEndpoints.EmbedPolicy, p => p.WithOrigins([.. web.Value.AllowedOrigins])
        .WithHeaders("Authorization", "Content-Type", "Accept", "x-ms-bot-agent").WithMethods("GET", "POST").SetPreflightMaxAge(TimeSpan.FromMinutes(10))));
builder.Services.AddOptions<LimitsOptions>().BindConfiguration(LimitsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddOptions<NetworkOptions>().BindConfiguration(NetworkOptions.Section)
    .Validate(o => o.KnownProxies.All(p => System.Net.IPAddress.TryParse(p, out _)), "Network:KnownProxies must be IP addresses (e.g. 127.0.0.1 for a same-host nginx)").ValidateOnStart();
// Forwarded headers only from the proxies the operator named: anyone else could claim any address.
builder.Services.AddOptions<Microsoft.AspNetCore.Builder.ForwardedHeadersOptions>().Configure<IOptions<NetworkOptions>>((f, network) =>
{
    f.ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto;
    f.KnownProxies.Clear();
    f.KnownIPNetworks.Clear();
    foreach (var proxy in network.Value.KnownProxies) f.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
    f.ForwardLimit = 1;
});
builder.Services.AddLegalBotRateLimits();
builder.Services.AddOptions<StaffOptions>().BindConfiguration(StaffOptions.Section)
    .Validate(o => o.Keys.All(k => k.Office.Length > 0 && k.Worker.Length > 0 && LegalBot.Cases.Privacy.ApiKeys.IsHash(k.KeyHash)),
        "every Staff:Keys entry needs Office, Worker and KeyHash (sha256:<64 hex>, from `legalbot staff-key`)").ValidateOnStart();
builder.Services.AddOptions<CasesOptions>().BindConfiguration(CasesOptions.Section).ValidateDataAnnotations()
    .Validate(o => o.Database != CaseStorageSettings.Postgres || !string.IsNullOrWhiteSpace(o.ConnectionString),
        "Cases:ConnectionString is required when Cases:Database is postgresql")
    .Validate(o => string.IsNullOrWhiteSpace(o.EncryptionKey) || LegalBot.Cases.Privacy.AesGcmFieldProtector.IsValidKey(o.EncryptionKey),
        "Cases:EncryptionKey must be base64 of 32 random bytes")
    .Validate(o => o.Database != CaseStorageSettings.Postgres || !string.IsNullOrWhiteSpace(o.EncryptionKey),
        "Cases:EncryptionKey is required with postgresql (every instance must encrypt with the same key)").ValidateOnStart();
builder.Services.AddOptions<WeChatOptions>().BindConfiguration(WeChatOptions.Section).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddOptions<WeComOptions>().BindConfiguration(WeComOptions.Section).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddSingleton<WeChatOptionsValidator>();
builder.Services.AddSingleton<IValidateOptions<WeChatOptions>>(sp => sp.GetRequiredService<WeChatOptionsValidator>());
builder.Services.AddSingleton<IValidateOptions<WeComOptions>>(sp => sp.GetRequiredService<WeChatOptionsValidator>());
builder.Services.AddOptions<NotificationOptions>().BindConfiguration(NotificationOptions.Section).ValidateDataAnnotations().ValidateOnStart();

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<KnowledgeHost>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<KnowledgeHost>());
// Opened (and checked) by DataStores.OpenAsync below, before anything serves.
builder.Services.AddSingleton<DataStores>();
builder.Services.AddSingleton<ICaseStore>(sp => sp.GetRequiredService<DataStores>().Cases);
builder.Services.AddSingleton(sp => sp.GetRequiredService<DataStores>().Conversations);
builder.Services.AddSingleton<LegalBot.Cases.Ratings.IRatingStore>(sp => sp.GetRequiredService<DataStores>().Ratings);
builder.Services.AddSingleton(sp => new IntakeCoordinator(() => sp.GetRequiredService<KnowledgeHost>().Offices, sp.GetRequiredService<ICaseStore>(),
    new IntakeOptions { RetentionDays = sp.GetRequiredService<IOptions<CasesOptions>>().Value.RetentionDays }, sp.GetRequiredService<TimeProvider>(),
    () => sp.GetRequiredService<KnowledgeHost>().Site));
builder.Services.AddHttpClient(WebhookDispatcher.HttpClientName);
builder.Services.AddHostedService<WebhookDispatcher>();
builder.Services.AddHostedService<RetentionService>();
builder.Services.AddSingleton(sp =>
{
    var o = sp.GetRequiredService<IOptions<ConversationOptions>>().Value;
    var host = sp.GetRequiredService<KnowledgeHost>();
    return new ConversationEngine(() => host.View, sp.GetRequiredService<IConversationStore>(),
        new EngineOptions { ConfidenceThreshold = o.ConfidenceThreshold, MaxMessageBytes = o.MaxMessageBytes }, sp.GetRequiredService<TimeProvider>(),
        sp.GetRequiredService<IntakeCoordinator>(), CreateGroundedAnswerer(sp), PublicityOptionsFor(sp),
        new LegalBot.Conversation.Ratings.RatingHandler(sp.GetRequiredService<LegalBot.Cases.Ratings.IRatingStore>(), LegalBot.Conversation.Ratings.RatingOptions.Default));
});
builder.Services.AddOptions<PublicityServiceOptions>().BindConfiguration(PublicityServiceOptions.Section).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddHostedService<PublicityDispatcher>();
builder.Services.AddHostedService<RatingPushDispatcher>();
// The engine, wrapped to record each consultation for the statistics (see ConsultationRecorder).
builder.Services.AddStaffStats();
builder.Services.AddSingleton<IMessageRateGate>(sp => new TokenBucketRateGate(sp.GetRequiredService<IOptions<ConversationOptions>>().Value.MessagesPerMinute));
builder.Services.AddSingleton(sp => new RateGates(sp.GetRequiredService<IMessageRateGate>(),
    new TokenBucketRateGate(sp.GetRequiredService<IOptions<LimitsOptions>>().Value.MessagesPerMinutePerClient)));
builder.Services.AddSingleton(sp => sp.GetRequiredService<DataStores>().Tokens);
builder.Services.AddSingleton(sp => new DirectLineService(sp.GetRequiredService<IConversationHandler>(), sp.GetRequiredService<DirectLineTokens>(),
    sp.GetRequiredService<RateGates>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<DataStores>().DirectLine,
    sp.GetRequiredService<IOptions<LimitsOptions>>().Value.DirectLine));
builder.Services.AddHostedService<DirectLineJanitor>();
builder.Services.AddSingleton(sp => new BotMessageProcessor(sp.GetRequiredService<IConversationHandler>(), sp.GetRequiredService<IMessageRateGate>(),
    sp.GetRequiredService<TimeProvider>()));
// Replies go only where ServiceUrlPolicy allowed: a redirect must not take them anywhere else.
builder.Services.AddHttpClient("connector", c => c.Timeout = TimeSpan.FromSeconds(15))
    .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
builder.Services.AddSingleton<IConnectorTokenProvider>(sp =>
{
    var o = sp.GetRequiredService<IOptions<BotOptions>>().Value;
    return string.IsNullOrEmpty(o.MicrosoftAppId)
        ? new AnonymousConnectorTokenProvider()
        : new ClientCredentialsTokenProvider(sp.GetRequiredService<IHttpClientFactory>().CreateClient("connector"), o.ConnectorTokenUrl,
            o.MicrosoftAppId, o.MicrosoftAppPassword!, o.ConnectorScope, sp.GetRequiredService<TimeProvider>());
});
builder.Services.AddSingleton(sp => new ConnectorClient(sp.GetRequiredService<IHttpClientFactory>().CreateClient("connector"), sp.GetRequiredService<IConnectorTokenProvider>()));
builder.Services.AddSingleton(sp => new ReplyDelivery(sp.GetRequiredService<ConnectorClient>(), sp.GetRequiredService<DataStores>().Replies, sp.GetRequiredService<TimeProvider>()));
builder.Services.AddHostedService<ReplyDispatcher>();
builder.Services.AddSingleton(sp =>
{
    var o = sp.GetRequiredService<IOptions<BotOptions>>().Value;
    return new BotAuthentication(string.IsNullOrEmpty(o.MicrosoftAppId) ? null
        : new ChannelAuthenticator(o.MicrosoftAppId, o.Issuer, o.OpenIdMetadataUrl, sp.GetRequiredService<IHttpClientFactory>().CreateClient("connector")),
        o.AllowAnonymous, new ServiceUrlPolicy(o.ChannelDomains.Count > 0 ? o.ChannelDomains : ServiceUrlPolicy.DefaultChannelDomains));
});
builder.Services.AddWeChatChannels(builder.Configuration);
builder.Services.AddStaffAudit();

var app = builder.Build();

// Never a stack trace to a client: unexpected errors become a plain 500 (and a masked log line).
app.UseExceptionHandler(errors => errors.Run(async context =>
{
    var feature = context.Features.Get<IExceptionHandlerFeature>();
    var badRequest = feature?.Error is BadHttpRequestException;
    context.Response.StatusCode = badRequest ? 400 : 500;
    await context.Response.WriteAsJsonAsync(new { error = badRequest ? "bad request" : "internal error" });
}));
// Only with proxies named: ForwardedHeadersMiddleware with no known proxies believes anyone's X-Forwarded-For.
if (app.Services.GetRequiredService<IOptions<NetworkOptions>>().Value.KnownProxies.Count > 0) app.UseForwardedHeaders();
app.UseCors();
app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
app.UseRateLimiter();
app.UseStaffSecurityHeaders();
app.UseDefaultFiles();
app.UseStaticFiles();
// The Web Chat bundle is copied beside the binaries at build time (see the .csproj), served as /lib/webchat.js.
var webChatFolder = Path.Combine(AppContext.BaseDirectory, "webchat");
if (Directory.Exists(webChatFolder))
    app.UseStaticFiles(new StaticFileOptions { FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(webChatFolder), RequestPath = "/lib" });
// The desk's libraries (ECharts), copied the same way; under /staff-lib so the desk's strict CSP covers them.
var staffLibFolder = Path.Combine(AppContext.BaseDirectory, "staff-lib");
if (Directory.Exists(staffLibFolder))
    app.UseStaticFiles(new StaticFileOptions { FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(staffLibFolder), RequestPath = "/staff-lib" });

// Liveness: the process answers. Readiness: it can also take cases and keep conversations (see DataStores).
app.MapGet("/healthz", async (KnowledgeHost host, DirectLineService directLine, CancellationToken ct) => Results.Json(new
{
    status = "ok", documents = host.Status.Documents, chunks = host.Status.Chunks, webChatConversations = await WebChatConversationsAsync(directLine, ct),
}));
app.MapGet("/readyz", async (DataStores stores, KnowledgeHost host, CancellationToken ct) =>
{
    var problems = (await stores.ReadinessProblemsAsync(ct)).ToList();
    if (host.Status.LastRefresh is null) problems.Add("knowledge: not indexed yet");
    return Results.Json(new { status = problems.Count == 0 ? "ready" : "not ready", problems }, statusCode: problems.Count == 0 ? 200 : 503);
});
app.MapBotFramework();
app.MapDirectLine();
app.MapStaff();
app.MapSite();

try
{
    // Stores first: a missing key or an emptied database stops the service here, naming the file.
    await app.Services.GetRequiredService<DataStores>().OpenAsync(CancellationToken.None);
    await app.Services.GetRequiredService<AuditStorage>().OpenAsync(CancellationToken.None);
    await app.Services.GetRequiredService<ActivityStorage>().OpenAsync(CancellationToken.None);
    // Inside the try: mapping builds the processors, which validates their options.
    if (app.Services.GetRequiredService<IOptions<WeChatOptions>>().Value.Enabled) app.MapWeChat(WeChatEndpoints.OfficialAccount);
    if (app.Services.GetRequiredService<IOptions<WeComOptions>>().Value.Enabled) app.MapWeChat(WeChatEndpoints.WeCom);
    await app.RunAsync();
    return Environment.ExitCode;
}
catch (OptionsValidationException ex)
{
    // A configuration mistake is an operator error: say what to fix, no stack trace.
    await Console.Error.WriteLineAsync("legalbot: invalid configuration: " + string.Join("; ", ex.Failures));
    return 2;
}
catch (StoreIntegrityException ex)
{
    // Restarting will not fix a missing key or an emptied database: exit 2 (systemd does not restart it).
    await Console.Error.WriteLineAsync($"legalbot: {ex.Component}: {ex.Message}");
    return 2;
}
catch (LegalBot.Knowledge.Index.Qdrant.QdrantException ex)
{
    // Unreachable, or a collection built with other settings: refuse to serve silently wrong results.
    await Console.Error.WriteLineAsync("legalbot: knowledge index unavailable: " + ex.Message);
    return 3;
}
catch (System.Data.Common.DbException ex)
{
    await Console.Error.WriteLineAsync("legalbot: case store: " + ex.Message);
    return 3;
}

// The optional LLM path (Llm__Endpoint): a Semantic Kernel writer whose answers are verified against the sources.
static LegalBot.Conversation.Publicity.PublicityOptions PublicityOptionsFor(IServiceProvider sp)
{
    var o = sp.GetRequiredService<IOptions<PublicityServiceOptions>>().Value;
    return new(sp.GetRequiredService<DataStores>().Publicity, o.QuizQuestions, TimeSpan.FromDays(o.LessonEveryDays));
}

static GroundedAnswerer? CreateGroundedAnswerer(IServiceProvider sp)
{
    var llm = sp.GetRequiredService<IOptions<LlmOptions>>().Value;
    if (llm.ToSettings() is not { } settings) return null;
    var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("LegalBot.Grounded");
    var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient("llm");
    // Start-up only: the writer reads its two prompt template files once.
    var writer = KernelAnswerWriter.CreateAsync(settings, http, CancellationToken.None).GetAwaiter().GetResult();
    return new GroundedAnswerer(writer, llm.ToGrounding())
    {
        OnRejected = reason => logger.LogWarning("written answer not used, extractive answer sent instead: {Reason}", reason),
    };
}

// Liveness must not depend on a database: while PostgreSQL is away the count is simply not known.
static async Task<int?> WebChatConversationsAsync(DirectLineService directLine, CancellationToken ct)
{
    try { return await directLine.ConversationCountAsync(ct); }
    catch (Exception ex) when (ex is System.Data.Common.DbException or TimeoutException or System.Net.Sockets.SocketException or InvalidOperationException)
    {
        return null;
    }
}

/// <summary>Entry point type, for tests that host the service.</summary>
public partial class Program;
