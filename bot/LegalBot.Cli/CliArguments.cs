namespace LegalBot.Cli;

/// <summary>Minimal "VERB [positional…] [--name value] [--flag]" parsing.</summary>
internal sealed class CliArguments
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);

    public CliArguments(IReadOnlyList<string> args, IReadOnlySet<string> flags)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (a.StartsWith("--", StringComparison.Ordinal))
            {
                var name = a[2..];
                if (flags.Contains(name)) { _options[name] = null; continue; }
                if (i + 1 >= args.Count) throw new UsageException($"option --{name} needs a value");
                _options[name] = args[++i];
            }
            else
            {
                Positional.Add(a);
            }
        }
    }

    public List<string> Positional { get; } = [];

    public bool Has(string name) => _options.ContainsKey(name);

    public string? Get(string name) => _options.TryGetValue(name, out var v) ? v : null;

    public string Require(string name) => Get(name) ?? throw new UsageException($"missing --{name}");

    public void EnsureOnly(params string[] allowed)
    {
        var unknown = _options.Keys.FirstOrDefault(k => !allowed.Contains(k));
        if (unknown is not null) throw new UsageException($"unknown option --{unknown}");
    }
}

internal sealed class UsageException(string message) : Exception(message);
