using System.Data.Common;
using System.Text.Json;
using LegalBot.Cases.Notifications;
using LegalBot.Cases.Privacy;

namespace LegalBot.Cases.Storage;

/// <summary>
/// The case store over any <see cref="CaseDatabase"/> (SQLite by default, PostgreSQL when configured). Times are
/// stored as Unix milliseconds and the SQL is dialect-neutral, so one implementation serves both. Name, mobile,
/// description and staff notes are encrypted with <see cref="IFieldProtector"/> bound to the case reference.
/// </summary>
public sealed class SqlCaseStore : ICaseStore
{
    private const int MaxReferenceAttempts = 5;
    private readonly CaseDatabase _db;
    private readonly IFieldProtector _protector;
    private readonly TimeProvider _time;

    private SqlCaseStore(CaseDatabase db, IFieldProtector protector, TimeProvider time)
    {
        _db = db;
        _protector = protector;
        _time = time;
    }

    public static async Task<SqlCaseStore> OpenAsync(CaseDatabase db, IFieldProtector protector, TimeProvider time, CancellationToken cancellationToken)
    {
        var store = new SqlCaseStore(db, protector, time);
        await using var c = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        foreach (var ddl in Schema(db.IdentityColumn)) await Exec(c, null, ddl, cancellationToken).ConfigureAwait(false);
        // Migrations: columns added after the first release, so an existing database keeps working.
        await db.AddColumnIfMissingAsync(c, "cases", "mediation_outcome", "TEXT", cancellationToken).ConfigureAwait(false);
        return store;
    }

    private static string[] Schema(string identity) =>
    [
        """
        CREATE TABLE IF NOT EXISTS cases (
            reference TEXT PRIMARY KEY, idempotency_key TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, status TEXT NOT NULL,
            office_id TEXT NOT NULL, office_name TEXT NOT NULL, area TEXT NOT NULL,
            name_enc TEXT, mobile_enc TEXT, description_enc TEXT, details TEXT NOT NULL,
            consent_at BIGINT NOT NULL, consent_version TEXT NOT NULL, conversation_id TEXT NOT NULL, channel TEXT NOT NULL,
            assigned_to TEXT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, purged_at BIGINT)
        """,
        "CREATE INDEX IF NOT EXISTS cases_by_office ON cases (office_id, status, created_at)",
        $"""
        CREATE TABLE IF NOT EXISTS case_events (
            id {identity}, reference TEXT NOT NULL, at BIGINT NOT NULL, from_status TEXT, to_status TEXT NOT NULL,
            actor TEXT NOT NULL, note_enc TEXT)
        """,
        "CREATE INDEX IF NOT EXISTS case_events_by_case ON case_events (reference, id)",
        $"""
        CREATE TABLE IF NOT EXISTS case_notifications (
            id {identity}, reference TEXT NOT NULL, office_id TEXT NOT NULL, target TEXT NOT NULL, body TEXT NOT NULL,
            attempts INTEGER NOT NULL, next_attempt_at BIGINT NOT NULL, lease_until BIGINT NOT NULL,
            delivered_at BIGINT, last_error TEXT, UNIQUE (reference, office_id))
        """,
        "CREATE INDEX IF NOT EXISTS case_notifications_due ON case_notifications (delivered_at, next_attempt_at)",
        "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
        $"CREATE TABLE IF NOT EXISTS status_check_failures (id {identity}, reference TEXT NOT NULL, client TEXT NOT NULL, at BIGINT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS status_check_failures_by_reference ON status_check_failures (reference, at)",
        "CREATE INDEX IF NOT EXISTS status_check_failures_by_client ON status_check_failures (client, at)",
    ];

    private const string KeyCheckPlaintext = "legalbot-case-store";
    private const string KeyCheckContext = "meta:key-check";

    /// <summary>
    /// The store's id, after proving the encryption key is the one its data was written with. A new store gets an
    /// id and a key check; a store from before key checks is verified on one of its encrypted fields.
    /// </summary>
    /// <param name="expectedId">The id this data folder recorded, if any: a store without it is empty or replaced.</param>
    /// <param name="location">How the store is named in messages (data/cases.db, or the PostgreSQL database).</param>
    public async Task<string> VerifyIdentityAsync(string? expectedId, string location, string keySource, CancellationToken cancellationToken)
    {
        await using var c = await _db.OpenAsync(cancellationToken).ConfigureAwait(false);
        var id = await MetaAsync(c, "store_id", cancellationToken).ConfigureAwait(false);
        if (id is null)
        {
            if (expectedId is not null)
                throw new StoreIntegrityException("case store", $"{location} is empty or was replaced: this data folder last held case store {expectedId}. " +
                    $"Restore it from backup; to start afresh on purpose, remove the \"cases\" entry of {StoreMarker.FileName}");
            if (await SampleEncryptedAsync(c, cancellationToken).ConfigureAwait(false) is { } sample && !CanRead(sample.Value, sample.Context))
                throw KeyMismatch(location, keySource);
            id = StoreMarker.NewId();
            await Exec(c, null, "INSERT INTO meta (name, value) VALUES (@n, @v)", cancellationToken, ("@n", "store_id"), ("@v", id)).ConfigureAwait(false);
            await Exec(c, null, "INSERT INTO meta (name, value) VALUES (@n, @v)", cancellationToken,
                ("@n", "key_check"), ("@v", _protector.Protect(KeyCheckPlaintext, KeyCheckContext))).ConfigureAwait(false);
            return id;
        }
        if (expectedId is not null && expectedId != id)
            throw new StoreIntegrityException("case store", $"{location} is not the case store this data folder held ({expectedId}, found {id}); restore the right one");
        var check = await MetaAsync(c, "key_check", cancellationToken).ConfigureAwait(false);
        if (check is null || !CanRead(check, KeyCheckContext)) throw KeyMismatch(location, keySource);
        return id;
    }

    /// <summary>Whether the store holds any case (before a key is created, a missing key file must not be replaced).</summary>
    public async Task<bool> HoldsDataAsync(CancellationToken cancellationToken)
    {
        await using var c = await _db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = Command(c, null, "SELECT COUNT(*) FROM cases");
        var cases = Convert.ToInt64(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        return cases > 0 || await MetaAsync(c, "key_check", cancellationToken).ConfigureAwait(false) is not null;
    }

    private static StoreIntegrityException KeyMismatch(string location, string keySource) =>
        new("case store", $"{keySource} is not the key the data in {location} was encrypted with; restore the right key (a new one cannot read it)");

    private bool CanRead(string value, string context)
    {
        try
        {
            return _protector.Unprotect(value, context) is not null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static async Task<(string Value, string Context)?> SampleEncryptedAsync(DbConnection c, CancellationToken cancellationToken)
    {
        await using var cmd = Command(c, null, "SELECT reference, name_enc FROM cases WHERE name_enc IS NOT NULL ORDER BY created_at LIMIT 1");
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await r.ReadAsync(cancellationToken).ConfigureAwait(false)) return null;
        return (r.GetString(1), FieldContext(r.GetString(0), "name"));
    }

    private static async Task<string?> MetaAsync(DbConnection c, string name, CancellationToken cancellationToken)
    {
        await using var cmd = Command(c, null, "SELECT value FROM meta WHERE name = @n", ("@n", name));
        return await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    private const string CaseColumns = """
        reference, kind, status, office_id, office_name, area, name_enc, mobile_enc, description_enc, details,
        consent_at, consent_version, conversation_id, channel, assigned_to, created_at, updated_at, purged_at, mediation_outcome
        """;

    public async Task<CaseCreation> CreateAsync(NewCase newCase, CancellationToken cancellationToken)
    {
        if (await FindByKeyAsync(newCase.IdempotencyKey, cancellationToken).ConfigureAwait(false) is { } existing)
            return new CaseCreation(existing, Created: false);

        for (var attempt = 1; ; attempt++)
        {
            var now = _time.GetUtcNow();
            var record = new CaseRecord(ReferenceNumbers.New(newCase.Kind, now), newCase.Kind, CaseStatus.Submitted, newCase.OfficeId,
                newCase.OfficeName, newCase.Area, newCase.Applicant, newCase.Details, newCase.ConsentAt, newCase.ConsentVersion,
                newCase.ConversationId, newCase.Channel, null, now, now, null);
            try
            {
                await InsertAsync(record, newCase, cancellationToken).ConfigureAwait(false);
                return new CaseCreation(record, Created: true);
            }
            catch (DbException ex) when (_db.IsUniqueViolation(ex))
            {
                // Either a concurrent retry of the same confirmation won (return its case) or the reference collided (draw again).
                if (await FindByKeyAsync(newCase.IdempotencyKey, cancellationToken).ConfigureAwait(false) is { } winner)
                    return new CaseCreation(winner, Created: false);
                if (attempt >= MaxReferenceAttempts) throw;
            }
        }
    }

    private async Task InsertAsync(CaseRecord r, NewCase newCase, CancellationToken cancellationToken)
    {
        using var _ = await _db.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var c = await _db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var a = r.Applicant!;
        await Exec(c, tx, $"""
            INSERT INTO cases (idempotency_key, {CaseColumns})
            VALUES (@key, @ref, @kind, @status, @office, @officeName, @area, @name, @mobile, @desc, @details,
                    @consentAt, @consentVersion, @conv, @channel, NULL, @at, @at, NULL, NULL)
            """, cancellationToken,
            ("@key", newCase.IdempotencyKey), ("@ref", r.Reference), ("@kind", r.Kind.ToWire()), ("@status", r.Status.ToWire()),
            ("@office", r.OfficeId), ("@officeName", r.OfficeName), ("@area", r.Area),
            ("@name", Protect(a.Name, r.Reference, "name")), ("@mobile", Protect(a.Mobile, r.Reference, "mobile")),
            ("@desc", Protect(a.Description, r.Reference, "description")), ("@details", JsonSerializer.Serialize(r.Details)),
            ("@consentAt", Ms(r.ConsentAt)), ("@consentVersion", r.ConsentVersion), ("@conv", r.ConversationId), ("@channel", r.Channel),
            ("@at", Ms(r.CreatedAt))).ConfigureAwait(false);
        await AddEventAsync(c, tx, r.Reference, new CaseEvent(r.CreatedAt, null, CaseStatus.Submitted, "citizen", null), cancellationToken).ConfigureAwait(false);
        if (newCase.Webhook is { } target)
        {
            await Exec(c, tx, """
                INSERT INTO case_notifications (reference, office_id, target, body, attempts, next_attempt_at, lease_until)
                VALUES (@ref, @office, @target, @body, 0, @at, 0)
                """, cancellationToken, ("@ref", r.Reference), ("@office", r.OfficeId), ("@target", target.AbsoluteUri),
                ("@body", WeComNotification.NewCase(r)), ("@at", Ms(r.CreatedAt))).ConfigureAwait(false);
        }
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<CaseRecord?> FindByKeyAsync(string key, CancellationToken cancellationToken) =>
        First(await QueryCasesAsync($"SELECT {CaseColumns} FROM cases WHERE idempotency_key = @key", cancellationToken, ("@key", key)).ConfigureAwait(false));

    public async Task<CaseRecord?> GetAsync(string reference, CancellationToken cancellationToken) =>
        First(await QueryCasesAsync($"SELECT {CaseColumns} FROM cases WHERE reference = @ref", cancellationToken, ("@ref", reference)).ConfigureAwait(false));

    private static CaseRecord? First(IReadOnlyList<CaseRecord> cases) => cases.Count > 0 ? cases[0] : null;

    public Task<IReadOnlyList<CaseRecord>> ListAsync(CaseQuery query, CancellationToken cancellationToken) =>
        QueryCasesAsync($"""
            SELECT {CaseColumns} FROM cases
            WHERE (@office IS NULL OR office_id = @office) AND (@status IS NULL OR status = @status)
            ORDER BY created_at DESC, reference LIMIT @limit
            """, cancellationToken, ("@office", query.OfficeId), ("@status", query.Status?.ToWire()), ("@limit", Math.Clamp(query.Limit, 1, 10_000)));

    public async Task<IReadOnlyList<CaseEvent>> GetHistoryAsync(string reference, CancellationToken cancellationToken)
    {
        await using var c = await _db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = Command(c, null, "SELECT at, from_status, to_status, actor, note_enc FROM case_events WHERE reference = @ref ORDER BY id", ("@ref", reference));
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<CaseEvent>();
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            CaseStatus? from = r.IsDBNull(1) ? null : Status(r.GetString(1));
            var note = r.IsDBNull(4) ? null : _protector.Unprotect(r.GetString(4), $"case:{reference}:note");
            list.Add(new CaseEvent(FromMs(r.GetInt64(0)), from, Status(r.GetString(2)), r.GetString(3), note));
        }
        return list;
    }

    public Task<CaseRecord> ChangeStatusAsync(string reference, CaseStatus target, string actor, string? note, CancellationToken cancellationToken) =>
        MoveAsync(reference, target, actor, note, null, cancellationToken);

    public Task<CaseRecord> CloseAsync(string reference, string actor, string? note, MediationOutcome? outcome, CancellationToken cancellationToken) =>
        MoveAsync(reference, CaseStatus.Closed, actor, note, outcome, cancellationToken);

    private async Task<CaseRecord> MoveAsync(string reference, CaseStatus target, string actor, string? note, MediationOutcome? outcome, CancellationToken cancellationToken)
    {
        var current = await GetAsync(reference, cancellationToken).ConfigureAwait(false) ?? throw new CaseUpdateException($"case {reference} not found");
        if (!CaseLifecycle.CanMove(current.Status, target))
            throw new CaseUpdateException($"case {reference} is {current.Status.ToWire()} and cannot become {target.ToWire()}");
        if (outcome is not null && current.Kind != CaseKind.Mediation)
            throw new CaseUpdateException($"case {reference} is {current.Kind.ToWire()}: only a mediation case has an outcome");
        var now = _time.GetUtcNow();
        using (await _db.EnterWriteAsync(cancellationToken).ConfigureAwait(false))
        {
            await using var c = await _db.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            // Optimistic: only moves from the status just read, so two workers cannot both claim a case.
            var changed = await Exec(c, tx, """
                UPDATE cases SET status = @to, updated_at = @at, assigned_to = CASE WHEN @claim = 1 THEN @actor ELSE assigned_to END,
                    mediation_outcome = COALESCE(@outcome, mediation_outcome)
                WHERE reference = @ref AND status = @from
                """, cancellationToken, ("@to", target.ToWire()), ("@at", Ms(now)), ("@claim", target == CaseStatus.Claimed ? 1 : 0),
                ("@actor", actor), ("@outcome", outcome?.ToWire()), ("@ref", reference), ("@from", current.Status.ToWire())).ConfigureAwait(false);
            if (changed != 1) throw new CaseUpdateException($"case {reference} was changed by someone else; reload and try again");
            await AddEventAsync(c, tx, reference, new CaseEvent(now, current.Status, target, actor, note), cancellationToken).ConfigureAwait(false);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        return (await GetAsync(reference, cancellationToken).ConfigureAwait(false))!;
    }

    public async Task<IReadOnlyList<CaseNotification>> LeaseDueNotificationsAsync(TimeSpan lease, int max, CancellationToken cancellationToken)
    {
        var now = Ms(_time.GetUtcNow());
        var due = await QueryNotificationsAsync("""
            SELECT id, reference, office_id, target, body, attempts, next_attempt_at, delivered_at, last_error FROM case_notifications
            WHERE delivered_at IS NULL AND next_attempt_at <= @now AND lease_until <= @now ORDER BY id LIMIT @max
            """, cancellationToken, ("@now", now), ("@max", max)).ConfigureAwait(false);
        var leased = new List<CaseNotification>();
        using var _ = await _db.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var c = await _db.OpenAsync(cancellationToken).ConfigureAwait(false);
        foreach (var n in due)
        {
            var taken = await Exec(c, null, "UPDATE case_notifications SET lease_until = @until WHERE id = @id AND delivered_at IS NULL AND lease_until <= @now",
                cancellationToken, ("@until", now + (long)lease.TotalMilliseconds), ("@id", n.Id), ("@now", now)).ConfigureAwait(false);
            if (taken == 1) leased.Add(n);
        }
        return leased;
    }

    public async Task MarkDeliveredAsync(long notificationId, CancellationToken cancellationToken)
    {
        using var _ = await _db.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var c = await _db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await Exec(c, null, "UPDATE case_notifications SET delivered_at = @at, attempts = attempts + 1, last_error = NULL, lease_until = 0 WHERE id = @id",
            cancellationToken, ("@at", Ms(_time.GetUtcNow())), ("@id", notificationId)).ConfigureAwait(false);
    }

    public async Task MarkFailedAsync(long notificationId, string failure, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken)
    {
        using var _ = await _db.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var c = await _db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await Exec(c, null, "UPDATE case_notifications SET attempts = attempts + 1, last_error = @error, next_attempt_at = @next, lease_until = 0 WHERE id = @id",
            cancellationToken, ("@error", failure.Length > 500 ? failure[..500] : failure), ("@next", Ms(nextAttemptAt)), ("@id", notificationId)).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<CaseNotification>> ListNotificationsAsync(string? reference, CancellationToken cancellationToken) =>
        QueryNotificationsAsync("""
            SELECT id, reference, office_id, target, body, attempts, next_attempt_at, delivered_at, last_error FROM case_notifications
            WHERE (@ref IS NULL OR reference = @ref) ORDER BY id
            """, cancellationToken, ("@ref", reference));

    public async Task RecordStatusCheckFailureAsync(string reference, string client, CancellationToken cancellationToken)
    {
        using var _ = await _db.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var c = await _db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await Exec(c, null, "INSERT INTO status_check_failures (reference, client, at) VALUES (@ref, @client, @at)", cancellationToken,
            ("@ref", reference), ("@client", client), ("@at", Ms(_time.GetUtcNow()))).ConfigureAwait(false);
    }

    public async Task<StatusCheckFailures> CountStatusCheckFailuresAsync(string reference, string client, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var c = await _db.OpenAsync(cancellationToken).ConfigureAwait(false);
        async Task<int> CountAsync(string sql, string value)
        {
            await using var cmd = Command(c, null, sql, ("@v", value), ("@since", Ms(since)));
            return Convert.ToInt32(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }
        return new StatusCheckFailures(
            await CountAsync("SELECT COUNT(*) FROM status_check_failures WHERE reference = @v AND at >= @since", reference).ConfigureAwait(false),
            await CountAsync("SELECT COUNT(*) FROM status_check_failures WHERE client = @v AND at >= @since", client).ConfigureAwait(false));
    }

    public async Task<int> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        using var _ = await _db.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var c = await _db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        const string Expired = "SELECT reference FROM cases WHERE status IN ('closed', 'referred') AND updated_at < @cutoff AND purged_at IS NULL";
        await Exec(c, tx, $"UPDATE case_events SET note_enc = NULL WHERE reference IN ({Expired})", cancellationToken, ("@cutoff", Ms(cutoff))).ConfigureAwait(false);
        await Exec(c, tx, $"UPDATE case_notifications SET body = '' WHERE reference IN ({Expired})", cancellationToken, ("@cutoff", Ms(cutoff))).ConfigureAwait(false);
        var purged = await Exec(c, tx, """
            UPDATE cases SET name_enc = NULL, mobile_enc = NULL, description_enc = NULL, purged_at = @now
            WHERE status IN ('closed', 'referred') AND updated_at < @cutoff AND purged_at IS NULL
            """, cancellationToken, ("@cutoff", Ms(cutoff)), ("@now", Ms(_time.GetUtcNow()))).ConfigureAwait(false);
        // Failed progress queries matter for a day's lock and a month of staff review.
        await Exec(c, tx, "DELETE FROM status_check_failures WHERE at < @old", cancellationToken, ("@old", Ms(_time.GetUtcNow().AddDays(-31)))).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return purged;
    }

    private async Task<IReadOnlyList<CaseRecord>> QueryCasesAsync(string sql, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var c = await _db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = Command(c, null, sql, parameters);
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<CaseRecord>();
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var reference = r.GetString(0);
            Applicant? applicant = r.IsDBNull(6) ? null : new Applicant(
                _protector.Unprotect(r.GetString(6), $"case:{reference}:name"),
                _protector.Unprotect(r.GetString(7), $"case:{reference}:mobile"),
                _protector.Unprotect(r.GetString(8), $"case:{reference}:description"));
            list.Add(new CaseRecord(reference, CaseNames.ParseKind(r.GetString(1)), Status(r.GetString(2)), r.GetString(3), r.GetString(4),
                r.GetString(5), applicant, JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(9)) ?? [],
                FromMs(r.GetInt64(10)), r.GetString(11), r.GetString(12), r.GetString(13), r.IsDBNull(14) ? null : r.GetString(14),
                FromMs(r.GetInt64(15)), FromMs(r.GetInt64(16)), r.IsDBNull(17) ? null : FromMs(r.GetInt64(17)))
            {
                Outcome = r.IsDBNull(18) ? null : Outcome(r.GetString(18)),
            });
        }
        return list;
    }

    private async Task<IReadOnlyList<CaseNotification>> QueryNotificationsAsync(string sql, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var c = await _db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = Command(c, null, sql, parameters);
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<CaseNotification>();
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(new CaseNotification(r.GetInt64(0), r.GetString(1), r.GetString(2), new Uri(r.GetString(3)), r.GetString(4),
                r.GetInt32(5), FromMs(r.GetInt64(6)), r.IsDBNull(7) ? null : FromMs(r.GetInt64(7)), r.IsDBNull(8) ? null : r.GetString(8)));
        }
        return list;
    }

    private Task<int> AddEventAsync(DbConnection c, DbTransaction tx, string reference, CaseEvent e, CancellationToken cancellationToken) =>
        AddEventAsync(c, tx, reference, e, e.Note is null ? null : Protect(e.Note, reference, "note"), cancellationToken);

    private static Task<int> AddEventAsync(DbConnection c, DbTransaction tx, string reference, CaseEvent e, string? note, CancellationToken cancellationToken) =>
        Exec(c, tx, "INSERT INTO case_events (reference, at, from_status, to_status, actor, note_enc) VALUES (@ref, @at, @from, @to, @actor, @note)",
            cancellationToken, ("@ref", reference), ("@at", Ms(e.At)), ("@from", e.From?.ToWire()), ("@to", e.To.ToWire()), ("@actor", e.Actor),
            ("@note", note));

    private string Protect(string value, string reference, string field) => _protector.Protect(value, FieldContext(reference, field));

    private static string FieldContext(string reference, string field) => $"case:{reference}:{field}";

    private static CaseStatus Status(string wire) =>
        CaseNames.TryParseStatus(wire, out var s) ? s : throw new InvalidDataException($"unknown case status '{wire}' in the database");

    private static MediationOutcome Outcome(string wire) =>
        CaseNames.TryParseOutcome(wire, out var o) ? o : throw new InvalidDataException($"unknown mediation outcome '{wire}' in the database");

    private static long Ms(DateTimeOffset t) => t.ToUnixTimeMilliseconds();

    private static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    private static DbCommand Command(DbConnection c, DbTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        foreach (var (name, value) in parameters)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            // Untyped NULLs confuse PostgreSQL's "@x IS NULL" inference; text is what every nullable filter here is.
            if (value is null) p.DbType = System.Data.DbType.String;
            cmd.Parameters.Add(p);
        }
        return cmd;
    }

    private static async Task<int> Exec(DbConnection c, DbTransaction? tx, string sql, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var cmd = Command(c, tx, sql, parameters);
        return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
