using LegalBot.Cases.Privacy;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace LegalBot.Service.Hosting;

/// <summary>A JSON console formatter that masks personal numbers in every message and exception text.</summary>
public sealed class MaskingJsonFormatter : ConsoleFormatter
{
    public const string FormatterName = "masked-json";
    public MaskingJsonFormatter() : base(FormatterName) { }

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception) ?? "";
        var payload = new Dictionary<string, object?>
        {
            ["time"] = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["level"] = logEntry.LogLevel.ToString(),
            ["category"] = logEntry.Category,
            ["message"] = PiiMasking.Mask(message),
        };
        if (logEntry.Exception is { } ex) payload["exception"] = PiiMasking.Mask(ex.GetType().Name + ": " + ex.Message);
        if (logEntry.State is IReadOnlyList<KeyValuePair<string, object?>> fields)
            foreach (var (key, value) in fields)
                if (key != "{OriginalFormat}") payload[key] = value switch
                {
                    null => null,
                    bool or int or long or double or float or decimal => value,
                    _ => PiiMasking.Mask(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? ""),
                };
        textWriter.WriteLine(System.Text.Json.JsonSerializer.Serialize(payload, JsonOptions));
    }

    private static readonly System.Text.Json.JsonSerializerOptions JsonOptions = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
