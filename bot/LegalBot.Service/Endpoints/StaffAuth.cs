using System.Security.Cryptography;
using System.Text;
using LegalBot.Cases.Privacy;
using LegalBot.Service.Hosting;

namespace LegalBot.Service.Endpoints;

/// <summary>Who is calling the staff API: the key's office (or all offices) and worker name.</summary>
public sealed record StaffPrincipal(string Office, string Worker)
{
    public bool SeesAllOffices => Office == StaffKey.AllOffices;
    public bool CanSee(string officeId) => SeesAllOffices || Office == officeId;
}

/// <summary>Staff API keys: random secrets given to workers, kept in configuration only as SHA-256 hashes.</summary>
public static class StaffAuth
{
    public const string Header = "X-Api-Key";

    /// <summary>The principal for the request's key; every configured hash is compared in constant time.</summary>
    public static StaffPrincipal? Authenticate(HttpContext http, StaffOptions options)
    {
        var given = http.Request.Headers[Header].ToString();
        if (given.Length == 0) return null;
        var hash = Encoding.ASCII.GetBytes(ApiKeys.Hash(given));
        StaffPrincipal? found = null;
        foreach (var k in options.Keys)
            if (CryptographicOperations.FixedTimeEquals(hash, Encoding.ASCII.GetBytes(k.KeyHash))) found ??= new StaffPrincipal(k.Office, k.Worker);
        return found;
    }

    /// <summary>
    /// Development only: with no keys configured at all, the non-personal staff views answer direct local requests.
    /// In production staff endpoints always need a key ("loopback" is everyone behind a same-host proxy).
    /// </summary>
    public static bool IsLocalWithoutKeys(HttpContext http, StaffOptions options) =>
        options.Keys.Count == 0 && http.RequestServices.GetRequiredService<IHostEnvironment>().IsDevelopment() && ClientAddress.IsDirectLoopback(http);
}
