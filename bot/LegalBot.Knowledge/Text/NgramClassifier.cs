namespace LegalBot.Knowledge.Text;

/// <summary>
/// A small text classifier learned from labelled examples that staff can edit: logistic regression over character
/// 1–3-grams (plus optional named signals), trained when the examples load — a few thousand lines take well under a
/// second, deterministically. Phrase rules name what they know; the classifier generalises to wordings nobody listed.
/// Used for the crisis check (danger now or not) and for the scope check (a legal question or not). Pure: no I/O.
/// </summary>
public sealed class NgramClassifier
{
    private const int Buckets = 1 << 18;
    private const int Epochs = 16;
    private const double Rate = 0.2;
    private const double L2 = 1e-6;
    private readonly float[] _weights;
    private readonly float _bias;

    private NgramClassifier(float[] weights, float bias)
    {
        _weights = weights;
        _bias = bias;
    }

    public int Examples { get; private init; }

    /// <summary>Trains on the examples; null when there are too few of either kind to learn from.</summary>
    /// <param name="signals">Extra named features of a message (which rules fired, which time words it has), learned alongside its n-grams.</param>
    /// <param name="contentOrder">Visit the examples in an order given by their own text (a stable hash per epoch) rather than a
    /// seeded shuffle: one added example then only takes its place among the others, instead of reshuffling every step of the
    /// training, so a model trained on a growing folder moves only as much as the new examples move it.</param>
    public static NgramClassifier? Train(IReadOnlyList<LabelledText> examples, Func<string, IEnumerable<string>>? signals = null, bool contentOrder = false)
    {
        if (examples.Count(e => e.Positive) < 20 || examples.Count(e => !e.Positive) < 20) return null;
        var data = examples.Select(e => (Features(e.Text, signals?.Invoke(e.Text)), e.Positive ? 1.0 : 0.0, e.Weight)).ToArray();
        var weights = new double[Buckets];
        double bias = 0;
        var order = Enumerable.Range(0, data.Length).ToArray();
        var random = new Random(20261202);
        for (var epoch = 0; epoch < Epochs; epoch++)
        {
            if (contentOrder)
            {
                var salt = "\u0002" + epoch.ToString(System.Globalization.CultureInfo.InvariantCulture);
                order = order.OrderBy(i => StableHash(examples[i].Text + salt)).ThenBy(i => i).ToArray();
            }
            else random.Shuffle(order);
            var rate = Rate / (1 + epoch * 0.5);
            foreach (var i in order)
            {
                var (features, label, weight) = data[i];
                var error = (Sigmoid(Dot(weights, bias, features)) - label) * weight;
                foreach (var (bucket, value) in features) weights[bucket] -= rate * (error * value + L2 * weights[bucket]);
                bias -= rate * error;
            }
        }
        return new NgramClassifier(weights.Select(w => (float)w).ToArray(), (float)bias) { Examples = data.Length };
    }

    /// <summary>The probability that the message is of the positive kind.</summary>
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
        var text = "^" + TextNormalizer.Compact(message) + "$";
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

    /// <summary>A 32-bit FNV-1a hash of a text, the same on every run and platform (for deterministic sampling and ordering).</summary>
    public static uint StableHash(ReadOnlySpan<char> text)
    {
        var hash = 2166136261u;
        foreach (var c in text) hash = (hash ^ c) * 16777619u;
        return hash;
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
