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

        services.AddKeyedSingleton(Endpoints.WeChatEndpoints.OfficialAccount, (sp, _) =>
        {
            var o = sp.GetRequiredService<IOptions<WeChatOptions>>().Value;
            var time = sp.GetRequiredService<TimeProvider>();
            var log = sp.GetRequiredService<ILoggerFactory>().CreateLogger("LegalBot.WeChat");
            IWeChatSender? sender = string.IsNullOrWhiteSpace(o.AppSecret) ? null
                : new OfficialAccountApiClient(sp.GetRequiredService<IHttpClientFactory>().CreateClient(WeChatOptions.Section), o.AppId, o.AppSecret, time);
            if (sender is null) log.LogWarning("WeChat:AppSecret is not set: answers that miss the {Seconds} s reply deadline cannot be sent later", o.ReplyDeadlineSeconds);
            var cipher = o.SafeMode ? new WeChatCipher(o.EncodingAESKey, o.AppId) : null;
            return Create(sp, o.ToSettings(Endpoints.WeChatEndpoints.OfficialAccount, cipher, urlVerificationEncrypted: false), sender, log);
        });
        services.AddKeyedSingleton(Endpoints.WeChatEndpoints.WeCom, (sp, _) =>
        {
            var o = sp.GetRequiredService<IOptions<WeComOptions>>().Value;
            var time = sp.GetRequiredService<TimeProvider>();
            var log = sp.GetRequiredService<ILoggerFactory>().CreateLogger("LegalBot.WeCom");
            IWeChatSender? sender = string.IsNullOrWhiteSpace(o.Secret) ? null
                : new WeComApiClient(sp.GetRequiredService<IHttpClientFactory>().CreateClient(WeComOptions.Section), o.CorpId, o.Secret, o.AgentId, time);
            if (sender is null) log.LogWarning("WeCom:Secret is not set: answers that miss the {Seconds} s reply deadline cannot be sent later", o.ReplyDeadlineSeconds);
            return Create(sp, o.ToSettings(Endpoints.WeChatEndpoints.WeCom, new WeChatCipher(o.EncodingAESKey, o.CorpId), urlVerificationEncrypted: true), sender, log);
        });
        return services;
    }

    private static WeChatCallbackProcessor Create(IServiceProvider sp, WeChatCallbackSettings settings, IWeChatSender? sender, ILogger log) =>
        new(settings, sp.GetRequiredService<IConversationHandler>(), sender, sp.GetRequiredService<IMessageRateGate>(), sp.GetRequiredService<TimeProvider>(), log,
            sp.GetRequiredService<DataStores>().WeChatLedger);
}
