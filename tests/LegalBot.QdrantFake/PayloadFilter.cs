using Google.Protobuf.Collections;
using Qdrant.Client.Grpc;

namespace LegalBot.QdrantFake;

/// <summary>
/// Qdrant's filter semantics over payloads: must (all), should (at least one), must_not (none); field
/// conditions match a value or any element of an array value; is_empty holds for a missing key, null or [].
/// A condition the fake does not model is refused, so a test never passes on a silently ignored filter.
/// </summary>
internal static class PayloadFilter
{
    public static bool Matches(StoredPoint point, Filter? filter)
    {
        if (filter is null) return true;
        if (!filter.Must.All(c => Holds(point, c))) return false;
        if (filter.Should.Count > 0 && !filter.Should.Any(c => Holds(point, c))) return false;
        if (filter.MinShould is not null) throw Unsupported("min_should");
        return !filter.MustNot.Any(c => Holds(point, c));
    }

    private static bool Holds(StoredPoint point, Condition condition) => condition.ConditionOneOfCase switch
    {
        Condition.ConditionOneOfOneofCase.Field => Field(point, condition.Field),
        Condition.ConditionOneOfOneofCase.IsEmpty => IsEmpty(point.Payload, condition.IsEmpty.Key),
        Condition.ConditionOneOfOneofCase.HasId => condition.HasId.HasId.Any(id => FakeStore.KeyOf(id) == point.Key),
        Condition.ConditionOneOfOneofCase.Filter => Matches(point, condition.Filter),
        var other => throw Unsupported(other.ToString()),
    };

    private static bool IsEmpty(MapField<string, Value> payload, string key) =>
        !payload.TryGetValue(key, out var v) || v.KindCase == Value.KindOneofCase.NullValue
        || (v.KindCase == Value.KindOneofCase.ListValue && v.ListValue.Values.Count == 0);

    private static bool Field(StoredPoint point, FieldCondition field)
    {
        if (field.Match is null) throw Unsupported("field condition without match (range, geo, values count …)");
        var values = ValuesAt(point.Payload, field.Key);
        var match = field.Match;
        return match.MatchValueCase switch
        {
            Match.MatchValueOneofCase.Keyword => values.Any(v => v.KindCase == Value.KindOneofCase.StringValue && v.StringValue == match.Keyword),
            Match.MatchValueOneofCase.Integer => values.Any(v => v.KindCase == Value.KindOneofCase.IntegerValue && v.IntegerValue == match.Integer),
            Match.MatchValueOneofCase.Boolean => values.Any(v => v.KindCase == Value.KindOneofCase.BoolValue && v.BoolValue == match.Boolean),
            Match.MatchValueOneofCase.Keywords => values.Any(v => v.KindCase == Value.KindOneofCase.StringValue && match.Keywords.Strings.Contains(v.StringValue)),
            Match.MatchValueOneofCase.Integers => values.Any(v => v.KindCase == Value.KindOneofCase.IntegerValue && match.Integers.Integers.Contains(v.IntegerValue)),
            var other => throw Unsupported("match " + other),
        };
    }

    /// <summary>The value at a top-level key; an array contributes each element (Qdrant matches any of them).</summary>
    private static IEnumerable<Value> ValuesAt(MapField<string, Value> payload, string key)
    {
        if (key.Contains('.', StringComparison.Ordinal) || key.Contains('[', StringComparison.Ordinal)) throw Unsupported("nested key " + key);
        if (!payload.TryGetValue(key, out var v)) return [];
        return v.KindCase == Value.KindOneofCase.ListValue ? v.ListValue.Values : [v];
    }

    /// <summary>The payload a selector asks for: all (enable), none (unset or disabled), only or all but some keys.</summary>
    public static MapField<string, Value> Select(MapField<string, Value> payload, WithPayloadSelector? selector)
    {
        var result = new MapField<string, Value>();
        switch (selector?.SelectorOptionsCase)
        {
            case WithPayloadSelector.SelectorOptionsOneofCase.Enable when selector.Enable:
                result.Add(payload.Clone());
                break;
            case WithPayloadSelector.SelectorOptionsOneofCase.Include:
                foreach (var (k, v) in payload)
                {
                    if (selector.Include.Fields.Contains(k)) result[k] = v.Clone();
                }
                break;
            case WithPayloadSelector.SelectorOptionsOneofCase.Exclude:
                foreach (var (k, v) in payload)
                {
                    if (!selector.Exclude.Fields.Contains(k)) result[k] = v.Clone();
                }
                break;
        }
        return result;
    }

    private static Grpc.Core.RpcException Unsupported(string what) =>
        new(new Grpc.Core.Status(Grpc.Core.StatusCode.Unimplemented, "the Qdrant fake does not model " + what));
}
