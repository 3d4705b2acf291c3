using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace HealthServerless.Infra.Tests.Arm;

/// <summary>
/// Evaluates the ARM template language expressions Bicep emits ("[parameters('x')[copyIndex()].name]")
/// as far as they can be known before deployment. Parameters, variables, copy indexes and the
/// pure functions below are evaluated; anything only Azure knows (reference(), uniqueString(),
/// subscription(), ...) becomes a <see cref="Symbolic"/> value that carries its expression text,
/// so a test can still say "this is the identity module's principalId output".
/// </summary>
internal static partial class ArmExpression
{
    public static JsonNode? Evaluate(JsonNode? node, EvaluationContext context)
    {
        switch (node)
        {
            case JsonObject obj:
                var evaluatedObject = new JsonObject();
                foreach (var (key, value) in obj)
                {
                    // Property names may be expressions too: { "[parameters('identityId')]": {} }.
                    evaluatedObject[ToText(Evaluate(JsonValue.Create(key), context))] = Evaluate(value, context);
                }

                return evaluatedObject;
            case JsonArray array:
                var evaluatedArray = new JsonArray();
                foreach (var item in array)
                {
                    evaluatedArray.Add(Evaluate(item, context));
                }

                return evaluatedArray;
            case JsonValue value when value.TryGetValue<string>(out var text):
                if (text.StartsWith("[[", StringComparison.Ordinal))
                {
                    return JsonValue.Create(text[1..]);
                }

                if (text.StartsWith('[') && text.EndsWith(']'))
                {
                    return Evaluate(Parse(text[1..^1]), context);
                }

                return JsonValue.Create(text);
            default:
                return node?.DeepClone();
        }
    }

    private static Expr Parse(string text)
    {
        var parser = new Parser(text);
        var expr = parser.ParseExpression();
        parser.ExpectEnd();
        return expr;
    }

    private static JsonNode? Evaluate(Expr expr, EvaluationContext context) => expr switch
    {
        Literal literal => literal.Value?.DeepClone(),
        Member member => EvaluateMember(member, context),
        Index index => EvaluateIndex(index, context),
        Call call => EvaluateCall(call, context),
        _ => throw new InvalidOperationException("Unexpected expression " + expr.Text),
    };

    private static JsonNode? EvaluateMember(Member member, EvaluationContext context)
    {
        var target = Evaluate(member.Target, context);
        if (Symbolic.Is(target))
        {
            return Symbolic.Of(member.Text);
        }

        return target is JsonObject obj ? GetProperty(obj, member.Name)?.DeepClone()
            : throw new InvalidOperationException($"'{member.Text}': .{member.Name} of a non-object");
    }

    private static JsonNode? EvaluateIndex(Index index, EvaluationContext context)
    {
        var target = Evaluate(index.Target, context);
        var key = Evaluate(index.Key, context);
        if (Symbolic.Is(target) || Symbolic.Is(key))
        {
            return Symbolic.Of(index.Text);
        }

        return (target, key) switch
        {
            (JsonArray array, _) when TryGetInt(key, out var i) => array[i]?.DeepClone(),
            (JsonObject obj, JsonValue k) when k.TryGetValue<string>(out var name) => GetProperty(obj, name)?.DeepClone(),
            _ => throw new InvalidOperationException($"'{index.Text}' indexes something not indexable"),
        };
    }

    private static JsonNode? EvaluateCall(Call call, EvaluationContext context)
    {
        var name = call.Name.ToLowerInvariant();
        switch (name)
        {
            case "parameters":
                return context.Scope.Parameter(ArgumentText(call, 0, context));
            case "variables":
                return context.Scope.Variable(ArgumentText(call, 0, context));
            case "copyindex":
                var offset = call.Args.Count > 0 && TryGetInt(Evaluate(call.Args[^1], context), out var n) ? n : 0;
                return context.CopyIndex is { } copyIndex ? JsonValue.Create(copyIndex + offset) : Symbolic.Of(call.Text);
            case "if":
                var condition = Evaluate(call.Args[0], context);
                return Symbolic.Is(condition) ? Symbolic.Of(call.Text)
                    : IsTrue(condition) ? Evaluate(call.Args[1], context) : Evaluate(call.Args[2], context);
            default:
                break;
        }

        var args = call.Args.Select(a => Evaluate(a, context)).ToList();
        switch (name)
        {
            // Functions that build text keep unknown parts as their expression text.
            case "format":
                return JsonValue.Create(FormatPlaceholder().Replace(
                    ToText(args[0]),
                    m => ToText(args[int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) + 1])));
            case "resourceid":
                return JsonValue.Create("/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}" + ProviderPath(args));
            case "subscriptionresourceid":
                return JsonValue.Create("/subscriptions/{subscriptionId}" + ProviderPath(args));
            default:
                break;
        }

        // Functions that build arrays and objects keep unknown elements as they are.
        switch (name)
        {
            case "createarray":
                return new JsonArray([.. args.Select(a => a?.DeepClone())]);
            case "createobject":
                return CreateObject(args);
            case "concat" when args.Count > 0 && args.All(a => a is JsonArray):
                return new JsonArray([.. args.SelectMany(a => ((JsonArray)a!).Select(i => i?.DeepClone()))]);
            default:
                break;
        }

        if (args.Any(Symbolic.Is))
        {
            return Symbolic.Of(call.Text);
        }

        return name switch
        {
            "true" => JsonValue.Create(true),
            "false" => JsonValue.Create(false),
            "null" => null,
            "concat" => JsonValue.Create(string.Concat(args.Select(ToText))),
            "length" => JsonValue.Create(args[0] switch
            {
                JsonArray array => array.Count,
                JsonObject obj => obj.Count,
                var v => ToText(v).Length,
            }),
            "empty" => JsonValue.Create(args[0] switch
            {
                null => true,
                JsonArray array => array.Count == 0,
                JsonObject obj => obj.Count == 0,
                var v => ToText(v).Length == 0,
            }),
            "coalesce" => args.FirstOrDefault(a => a is not null)?.DeepClone(),
            "tryget" => args.Skip(1).Aggregate(args[0], (current, key) => current switch
            {
                JsonObject obj => GetProperty(obj, ToText(key)),
                JsonArray array when TryGetInt(key, out var i) && i < array.Count => array[i],
                _ => null,
            })?.DeepClone(),
            "indexof" => JsonValue.Create(args[0] is JsonArray list
                ? list.Select((item, i) => (item, i)).Where(p => JsonNode.DeepEquals(p.item, args[1])).Select(p => p.i).DefaultIfEmpty(-1).First()
                : ToText(args[0]).IndexOf(ToText(args[1]), StringComparison.OrdinalIgnoreCase)),
            "equals" => JsonValue.Create(JsonNode.DeepEquals(args[0], args[1])),
            "not" => JsonValue.Create(!IsTrue(args[0])),
            "and" => JsonValue.Create(args.All(IsTrue)),
            "or" => JsonValue.Create(args.Any(IsTrue)),
            "union" => Union(args),
            "contains" => JsonValue.Create(args[0] switch
            {
                JsonObject obj => obj.Any(p => string.Equals(p.Key, ToText(args[1]), StringComparison.OrdinalIgnoreCase)),
                JsonArray array => array.Any(item => JsonNode.DeepEquals(item, args[1])),
                var v => ToText(v).Contains(ToText(args[1]), StringComparison.Ordinal),
            }),
            "if" => (IsTrue(args[0]) ? args[1] : args[2])?.DeepClone(),
            "tolower" => JsonValue.Create(ToText(args[0]).ToLowerInvariant()),
            "toupper" => JsonValue.Create(ToText(args[0]).ToUpperInvariant()),
            "string" => JsonValue.Create(args[0] is JsonValue ? ToText(args[0]) : args[0]?.ToJsonString() ?? "null"),
            _ => Symbolic.Of(call.Text),
        };
    }

    private static string ArgumentText(Call call, int index, EvaluationContext context) =>
        Evaluate(call.Args[index], context) is JsonValue v && v.TryGetValue<string>(out var s)
            ? s
            : throw new InvalidOperationException($"'{call.Text}': argument {index} is not a string");

    /// <summary>/providers/Microsoft.X/type1/name1/type2/name2 from resourceId('Microsoft.X/type1/type2', name1, name2).</summary>
    private static string ProviderPath(List<JsonNode?> args)
    {
        var typeSegments = ToText(args[0]).Split('/');
        var names = args.Skip(1).Select(ToText).ToList();
        var path = new StringBuilder("/providers/").Append(typeSegments[0]);
        for (var i = 1; i < typeSegments.Length; i++)
        {
            path.Append('/').Append(typeSegments[i]).Append('/').Append(i - 1 < names.Count ? names[i - 1] : "?");
        }

        return path.ToString();
    }

    private static JsonObject CreateObject(List<JsonNode?> args)
    {
        var obj = new JsonObject();
        for (var i = 0; i + 1 < args.Count; i += 2)
        {
            obj[ToText(args[i])] = args[i + 1]?.DeepClone();
        }

        return obj;
    }

    private static JsonNode? Union(List<JsonNode?> args)
    {
        if (args.All(a => a is JsonArray))
        {
            var union = new JsonArray();
            foreach (var item in args.SelectMany(a => (JsonArray)a!))
            {
                if (!union.Any(u => JsonNode.DeepEquals(u, item)))
                {
                    union.Add(item?.DeepClone());
                }
            }

            return union;
        }

        var merged = new JsonObject();
        foreach (var obj in args.OfType<JsonObject>())
        {
            foreach (var (key, value) in obj)
            {
                merged[key] = value?.DeepClone();
            }
        }

        return merged;
    }

    internal static JsonNode? GetProperty(JsonObject obj, string name)
    {
        if (obj.TryGetPropertyValue(name, out var exact))
        {
            return exact;
        }

        // ARM property names are case-insensitive.
        return obj.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
    }

    internal static bool TryGetInt(JsonNode? node, out int value)
    {
        value = 0;
        return node is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            && int.TryParse(v.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out value);
    }

    internal static bool IsTrue(JsonNode? node) => node is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    internal static string ToText(JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<bool>(out var b) => b ? "True" : "False",
        _ => node.ToJsonString(),
    };

    [GeneratedRegex(@"\{(\d+)\}")]
    private static partial Regex FormatPlaceholder();

    private abstract record Expr(string Text);

    private sealed record Literal(JsonNode? Value, string Text) : Expr(Text);

    private sealed record Call(string Name, IReadOnlyList<Expr> Args, string Text) : Expr(Text);

    private sealed record Member(Expr Target, string Name, string Text) : Expr(Text);

    private sealed record Index(Expr Target, Expr Key, string Text) : Expr(Text);

    /// <summary>expression := primary ( '.' name | '[' expression ']' )*; primary := 'string' | number | name '(' arguments ')'.</summary>
    private sealed class Parser(string text)
    {
        private int _position;

        public void ExpectEnd()
        {
            SkipSpace();
            if (_position != text.Length)
            {
                throw Error("end of expression");
            }
        }

        public Expr ParseExpression()
        {
            SkipSpace();
            var start = _position;
            var expr = ParsePrimary();
            while (true)
            {
                SkipSpace();
                if (TryTake('.'))
                {
                    var name = ParseName();
                    expr = new Member(expr, name, text[start.._position]);
                }
                else if (TryTake('['))
                {
                    var key = ParseExpression();
                    SkipSpace();
                    Expect(']');
                    expr = new Index(expr, key, text[start.._position]);
                }
                else
                {
                    return expr;
                }
            }
        }

        private Expr ParsePrimary()
        {
            var start = _position;
            if (TryTake('\''))
            {
                var value = new StringBuilder();
                while (true)
                {
                    if (_position >= text.Length)
                    {
                        throw Error("closing quote");
                    }

                    var c = text[_position++];
                    if (c == '\'')
                    {
                        if (_position < text.Length && text[_position] == '\'')
                        {
                            value.Append('\'');
                            _position++;
                            continue;
                        }

                        break;
                    }

                    value.Append(c);
                }

                return new Literal(JsonValue.Create(value.ToString()), text[start.._position]);
            }

            if (_position < text.Length && (char.IsAsciiDigit(text[_position]) || text[_position] == '-'))
            {
                _position++;
                while (_position < text.Length && char.IsAsciiDigit(text[_position]))
                {
                    _position++;
                }

                var number = long.Parse(text[start.._position], CultureInfo.InvariantCulture);
                return new Literal(JsonValue.Create(number), text[start.._position]);
            }

            var name = ParseName();
            SkipSpace();
            Expect('(');
            var args = new List<Expr>();
            SkipSpace();
            if (!TryTake(')'))
            {
                do
                {
                    args.Add(ParseExpression());
                    SkipSpace();
                }
                while (TryTake(','));

                Expect(')');
            }

            return new Call(name, args, text[start.._position]);
        }

        private string ParseName()
        {
            SkipSpace();
            var start = _position;
            while (_position < text.Length && (char.IsAsciiLetterOrDigit(text[_position]) || text[_position] is '_' or '$' or '#'))
            {
                _position++;
            }

            return _position > start ? text[start.._position] : throw Error("a name");
        }

        private void SkipSpace()
        {
            while (_position < text.Length && char.IsWhiteSpace(text[_position]))
            {
                _position++;
            }
        }

        private bool TryTake(char c)
        {
            if (_position < text.Length && text[_position] == c)
            {
                _position++;
                return true;
            }

            return false;
        }

        private void Expect(char c)
        {
            if (!TryTake(c))
            {
                throw Error($"'{c}'");
            }
        }

        private FormatException Error(string expected) =>
            new($"Expected {expected} at {_position} in ARM expression: {text}");
    }
}

/// <summary>A value known only at deployment time, written as its ARM expression between ⟨ and ⟩.</summary>
internal static class Symbolic
{
    public static JsonNode Of(string expression) => JsonValue.Create($"⟨{expression}⟩");

    public static bool Is(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) && s.StartsWith('⟨') && s.EndsWith('⟩');
}

/// <summary>Where an expression is evaluated: a template (with what its deployment passed in) and, inside a copy loop, the index.</summary>
internal sealed record EvaluationContext(TemplateScope Scope, int? CopyIndex);
