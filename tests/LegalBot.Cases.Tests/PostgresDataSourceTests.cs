using LegalBot.Cases.Storage;
using Npgsql;

namespace LegalBot.Cases.Tests;

/// <summary>The pool settings every PostgreSQL store gets: statements prepared per connection, and no reset when a
/// connection returns to the pool unless the connection string asks for one.</summary>
public sealed class PostgresDataSourceTests
{
    private static NpgsqlConnectionStringBuilder Settings(string connectionString)
    {
        using var source = Postgres.DataSource(connectionString);
        return new NpgsqlConnectionStringBuilder(source.ConnectionString);
    }

    [Fact]
    public void ConnectionsAreNotResetAndStatementsArePrepared()
    {
        var settings = Settings("Host=127.0.0.1;Username=legalbot;Database=postgres");
        Assert.True(settings.NoResetOnClose);
        Assert.Equal(Postgres.AutoPrepared, settings.MaxAutoPrepare);
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Username=legalbot;No Reset On Close=false;Max Auto Prepare=5")]
    [InlineData("Host=127.0.0.1;Username=legalbot;noresetonclose=False;MaxAutoPrepare=5")]
    public void TheConnectionStringWins(string connectionString)
    {
        var settings = Settings(connectionString);
        Assert.False(settings.NoResetOnClose);
        Assert.Equal(5, settings.MaxAutoPrepare);
    }
}

/// <summary>Needs LEGALBOT_TEST_POSTGRES (tests/run.sh starts a throwaway server): without the reset, a transaction a
/// store left open is still rolled back when its connection returns, so the next user of the connection never sees it.</summary>
[Trait("Category", "Postgres")]
public sealed class PostgresPoolReturnTests : IAsyncLifetime
{
    private readonly string _table = "pool_" + Guid.NewGuid().ToString("N");
    private static string Admin => Environment.GetEnvironmentVariable("LEGALBOT_TEST_POSTGRES")
        ?? throw new InvalidOperationException("LEGALBOT_TEST_POSTGRES is not set: run the tests with tests/run.sh, which starts PostgreSQL when it is installed");

    public async Task InitializeAsync() => await ExecAsync($"CREATE TABLE {_table} (v TEXT NOT NULL)");

    public async Task DisposeAsync() => await ExecAsync($"DROP TABLE IF EXISTS {_table}");

    [Fact]
    public async Task AnOpenTransactionIsRolledBackWhenItsConnectionReturns()
    {
        // One connection in the pool, so the second open is the same server session as the first.
        await using var source = Postgres.DataSource(new NpgsqlConnectionStringBuilder(Admin) { MaxPoolSize = 1 }.ConnectionString);
        int firstSession;
        await using (var c = await source.OpenConnectionAsync())
        {
            firstSession = c.ProcessID;
            var tx = await c.BeginTransactionAsync();
            await Postgres.NonQueryAsync(Postgres.Command(c, $"INSERT INTO {_table} (v) VALUES ('left open')"), CancellationToken.None);
            // Neither committed nor disposed: returned to the pool mid-transaction.
            GC.KeepAlive(tx);
        }
        await using (var c = await source.OpenConnectionAsync())
        {
            Assert.Equal(firstSession, c.ProcessID);
            Assert.Equal(0L, await Postgres.ScalarAsync(Postgres.Command(c, $"SELECT COUNT(*) FROM {_table}"), CancellationToken.None));
            Assert.Equal(System.Data.ConnectionState.Open, c.State);
            await Postgres.NonQueryAsync(Postgres.Command(c, $"INSERT INTO {_table} (v) VALUES ('autocommit')"), CancellationToken.None);
        }
        await using var check = new NpgsqlConnection(Admin);
        await check.OpenAsync();
        Assert.Equal(1L, await Postgres.ScalarAsync(Postgres.Command(check, $"SELECT COUNT(*) FROM {_table}"), CancellationToken.None));
    }

    private static async Task ExecAsync(string sql)
    {
        await using var c = new NpgsqlConnection(Admin);
        await c.OpenAsync();
        await Postgres.NonQueryAsync(Postgres.Command(c, sql), CancellationToken.None);
    }
}
