using LegalBot.Knowledge.Text;

namespace LegalBot.Conversation.Safety;

/// <summary>
/// A second opinion for the crisis check, learned from staff-editable examples (<c>knowledge/crisis-examples.txt</c>:
/// "+ " a message in danger now, "- " one that is not): logistic regression over character 1–3-grams, trained when the
/// examples load (a few thousand lines, well under a second, deterministic). Phrase rules name what they know; the
/// classifier generalises to wordings nobody listed ("宝宝舔了电子烟油 现在脸色发白"). Pure: no I/O.
/// </summary>
public sealed class CrisisClassifier
{
    private const int Buckets = 1 << 18;
    private const int Epochs = 16;
    private const double Rate = 0.2;
    private const double L2 = 1e-6;
    private readonly float[] _weights;
    private readonly float _bias;

    private CrisisClassifier(float[] weights, float bias)
    {
        _weights = weights;
        _bias = bias;
    }

    public int Examples { get; private init; }

    /// <summary>Trains on the examples; null when there are too few of either kind to learn from.</summary>
    /// <param name="signals">Extra named features of a message (which rules fired, which time words it has), learned alongside its n-grams.</param>
    public static CrisisClassifier? Train(IReadOnlyList<CrisisExample> examples, Func<string, IEnumerable<string>>? signals = null)
    {
        if (examples.Count(e => e.Emergency) < 20 || examples.Count(e => !e.Emergency) < 20) return null;
        var data = examples.Select(e => (Features(e.Text, signals?.Invoke(e.Text)), e.Emergency ? 1.0 : 0.0)).ToArray();
        var weights = new double[Buckets];
        double bias = 0;
        var order = Enumerable.Range(0, data.Length).ToArray();
        var random = new Random(20261202);
        for (var epoch = 0; epoch < Epochs; epoch++)
        {
            random.Shuffle(order);
            var rate = Rate / (1 + epoch * 0.5);
            foreach (var i in order)
            {
                var (features, label) = data[i];
                var error = Sigmoid(Dot(weights, bias, features)) - label;
                foreach (var (bucket, value) in features) weights[bucket] -= rate * (error * value + L2 * weights[bucket]);
                bias -= rate * error;
            }
        }
        return new CrisisClassifier(weights.Select(w => (float)w).ToArray(), (float)bias) { Examples = data.Length };
    }

    /// <summary>The probability that the message is about danger now.</summary>
    public double Probability(string message, IEnumerable<string>? signals = null)
    {
        var features = Features(message, signals);
        double z = _bias;
        foreach (var (bucket, value) in features) z += _weights[bucket] * value;
        return Sigmoid(z);
    }

    private static double Dot(double[] weights, double bias, (int Bucket, double Value)[] features)
    {
        var z = bias;
        foreach (var (bucket, value) in features) z += weights[bucket] * value;
        return z;
    }

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-Math.Clamp(z, -30, 30)));

    /// <summary>
    /// Distinct character 1–3-grams of the compacted message, each weighted 1/√n so long messages do not dominate,
    /// plus the named signals at full weight (a rule firing is strong evidence whatever the length).
    /// </summary>
    private static (int Bucket, double Value)[] Features(string message, IEnumerable<string>? signals)
    {
        var text = "^" + CrisisLexicon.Compact(message) + "$";
        var grams = new HashSet<int>();
        for (var n = 1; n <= 3; n++)
            for (var i = 0; i + n <= text.Length; i++)
                grams.Add(Bucket(text.AsSpan(i, n)));
        var value = 1 / Math.Sqrt(Math.Max(1, grams.Count));
        var features = grams.Select(g => (g, value)).ToList();
        foreach (var signal in (signals ?? []).Distinct(StringComparer.Ordinal))
            features.Add((Bucket(("\u0001" + signal).AsSpan()), 1.0));
        return features.ToArray();
    }

    // FNV-1a over the UTF-16 code units: stable across runs and platforms (string.GetHashCode is randomised).
    private static int Bucket(ReadOnlySpan<char> gram)
    {
        var hash = 2166136261u;
        foreach (var c in gram)
        {
            hash = (hash ^ c) * 16777619u;
        }
        return (int)(hash % Buckets);
    }
}

/// <summary>One training example: a message and whether it is about danger now.</summary>
public sealed record CrisisExample(string Text, bool Emergency);
