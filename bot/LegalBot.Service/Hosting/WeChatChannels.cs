using LegalBot.Channels;
using LegalBot.Channels.WeChat;
using LegalBot.Conversation;
using Microsoft.Extensions.Options;

namespace LegalBot.Service.Hosting;

/// <summary>Registers the Official Account and WeCom callback processors (keyed "wechat" / "wecom") and their API clients.</summary>
public static class WeChatChannels
{
    public static IServiceCollection AddWeChatChannels(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddHttpClient(WeChatOptions.Section, (sp, c) =>
        {
            c.BaseAddress = new Uri(sp.GetRequiredService<IOptions<WeChatOptions>>().Value.ApiBaseUrl);
            c.Timeout = TimeSpan.FromSeconds(10);
        });
        services.AddHttpClient(WeComOptions.Section, (sp, c) =>
        {
            c.BaseAddress = new Uri(sp.GetRequiredService<IOptions<WeComOptions>>().Value.ApiBaseUrl);
            c.Timeout = TimeSpan.FromSeconds(10);
        });

        services.AddSingleton(sp =>
        {
            var time = sp.GetRequiredService<TimeProvider>();
            var http = sp.GetRequiredService<IHttpClientFactory>();
            var oa = sp.GetRequiredService<IOptions<WeChatOptions>>().Value;
            var wc = sp.GetRequiredService<IOptions<WeComOptions>>().Value;
            var senders = new Dictionary<string, IWeChatSender>(StringComparer.Ordinal);
            if (!string.IsNullOrWhiteSpace(oa.AppSecret))
                senders[Endpoints.WeChatEndpoints.OfficialAccount] = new OfficialAccountApiClient(http.CreateClient(WeChatOptions.Section), oa.AppId, oa.AppSecret, time);
            if (!string.IsNullOrWhiteSpace(wc.Secret))
                senders[Endpoints.WeChatEndpoints.WeCom] = new WeComApiClient(http.CreateClient(WeComOptions.Section), wc.CorpId, wc.Secret, wc.AgentId, time);
            return new WeChatSenders(senders);
        });
        services.AddKeyedSingleton(Endpoints.WeChatEndpoints.OfficialAccount, (sp, _) =>
        {
            var o = sp.GetRequiredService<IOptions<WeChatOptions>>().Value;
            var time = sp.GetRequiredService<TimeProvider>();
            var log = sp.GetRequiredService<ILoggerFactory>().CreateLogger("LegalBot.WeChat");
            var sender = sp.GetRequiredService<WeChatSenders>().Get(Endpoints.WeChatEndpoints.OfficialAccount);
            if (sender is null) log.LogWarning("WeChat:AppSecret is not set: answers that miss the {Seconds} s reply deadline cannot be sent later", o.ReplyDeadlineSeconds);
            var cipher = o.SafeMode ? new WeChatCipher(o.EncodingAESKey, o.AppId) : null;
            return Create(sp, o.ToSettings(Endpoints.WeChatEndpoints.OfficialAccount, cipher, urlVerificationEncrypted: false), sender, log);
        });
        services.AddKeyedSingleton(Endpoints.WeChatEndpoints.WeCom, (sp, _) =>
        {
            var o = sp.GetRequiredService<IOptions<WeComOptions>>().Value;
            var time = sp.GetRequiredService<TimeProvider>();
            var log = sp.GetRequiredService<ILoggerFactory>().CreateLogger("LegalBot.WeCom");
            var sender = sp.GetRequiredService<WeChatSenders>().Get(Endpoints.WeChatEndpoints.WeCom);
            if (sender is null) log.LogWarning("WeCom:Secret is not set: answers that miss the {Seconds} s reply deadline cannot be sent later", o.ReplyDeadlineSeconds);
            return Create(sp, o.ToSettings(Endpoints.WeChatEndpoints.WeCom, new WeChatCipher(o.EncodingAESKey, o.CorpId), urlVerificationEncrypted: true), sender, log);
        });
        return services;
    }

    private static WeChatCallbackProcessor Create(IServiceProvider sp, WeChatCallbackSettings settings, IWeChatSender? sender, ILogger log) =>
        new(settings, sp.GetRequiredService<IConversationHandler>(), sender, sp.GetRequiredService<IMessageRateGate>(), sp.GetRequiredService<TimeProvider>(), log,
            sp.GetRequiredService<DataStores>().WeChatLedger);
}

/// <summary>The platform API clients (one per channel whose secret is set): late answers and the weekly lesson go through them.</summary>
public sealed class WeChatSenders(IReadOnlyDictionary<string, IWeChatSender> senders)
{
    public IReadOnlyDictionary<string, IWeChatSender> All => senders;

    public IWeChatSender? Get(string channel) => senders.GetValueOrDefault(channel);
}
