using LegalBot.Channels.WeChat;

namespace LegalBot.Channels.Tests;

public sealed class KeyedLockTests
{
    [Fact]
    public async Task Holders_of_one_key_take_turns_other_keys_run_alongside_and_idle_keys_are_forgotten()
    {
        var locks = new KeyedLock();
        var first = await locks.AcquireAsync("a", CancellationToken.None);
        var second = locks.AcquireAsync("a", CancellationToken.None);
        var other = await locks.AcquireAsync("b", CancellationToken.None);
        await Task.Delay(50);
        Assert.False(second.IsCompleted);
        first.Dispose();
        (await second).Dispose();
        other.Dispose();
        Assert.Equal(0, locks.Count);

        // A waiter that gives up leaves nothing behind either.
        var held = await locks.AcquireAsync("c", CancellationToken.None);
        using var cts = new CancellationTokenSource(50);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => locks.AcquireAsync("c", cts.Token));
        held.Dispose();
        Assert.Equal(0, locks.Count);
    }
}
