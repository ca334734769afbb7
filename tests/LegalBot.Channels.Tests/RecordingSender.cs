using LegalBot.Channels.WeChat;
using Moq;

namespace LegalBot.Channels.Tests;

/// <summary>A WeChat sender that records every message it is asked to send, for the push tests.</summary>
public static class RecordingSender
{
    public static IWeChatSender Into(List<(string User, string Text)> sent)
    {
        var sender = new Mock<IWeChatSender>();
        sender.Setup(s => s.SendTextAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Callback<string, string, CancellationToken>((u, t, _) => { lock (sent) sent.Add((u, t)); })
            .Returns(Task.CompletedTask);
        return sender.Object;
    }
}
