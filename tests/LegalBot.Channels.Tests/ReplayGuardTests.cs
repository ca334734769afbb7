using LegalBot.Channels.WeChat;

namespace LegalBot.Channels.Tests;

public sealed class ReplayGuardTests
{
    /// <summary>Monotonic ticks the test advances by hand (what the guard measures age with).</summary>
    private sealed class TickClock : TimeProvider
    {
        public long Ticks { get; set; } = 1;
        public override long GetTimestamp() => Ticks;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    }

    [Fact]
    public void A_signature_carries_one_body_only_and_is_forgotten_after_the_window()
    {
        var clock = new TickClock();
        var guard = new ReplayGuard(TimeSpan.FromMinutes(5), clock);
        Assert.True(guard.Accept("1700000000", "n1", "<xml>a</xml>"));
        Assert.True(guard.Accept("1700000000", "n1", "<xml>a</xml>"));   // WeChat's retry
        Assert.False(guard.Accept("1700000000", "n1", "<xml>b</xml>"));  // another body: replay
        Assert.True(guard.Accept("1700000000", "n2", "<xml>b</xml>"));

        clock.Ticks += TimeSpan.FromMinutes(11).Ticks;
        Assert.True(guard.Accept("1700000900", "n3", "<xml>c</xml>"));   // triggers the sweep
        Assert.Equal(1, guard.Count);
    }

    [Fact]
    public void A_flood_of_fresh_nonces_is_capped()
    {
        var guard = new ReplayGuard(TimeSpan.FromMinutes(5), new TickClock(), capacity: 1000);
        for (var i = 0; i < 5000; i++) guard.Accept("1700000000", "n" + i, "x");
        Assert.True(guard.Count <= 1000, $"{guard.Count} entries kept");
    }
}
