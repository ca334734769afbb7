using System.Data.Common;

namespace LegalBot.Cases.Storage;

/// <summary>
/// One statement of a store with its parameters (named without <c>@</c>; a null goes as a NULL text), so that another store
/// on the same PostgreSQL database can send it in its own batch: a turn's reads in one round trip, its writes in another,
/// instead of each store sending its own. The owning store runs the same statement when it writes alone.
/// </summary>
public sealed record SqlStatement(string Sql, IReadOnlyList<(string Name, object? Value)> Parameters);

/// <summary>A query to send in another store's batch, and how the owning store reads one of its rows.</summary>
public sealed record SqlQuery<T>(SqlStatement Statement, Func<DbDataReader, T> Read);

/// <summary>The tables of a PostgreSQL store and the advisory lock it creates them under (see <see cref="PostgresSchema"/>).</summary>
public sealed record PostgresTables(long LockId, string Schema);
