using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using HealthServerless.Functions.Platform.Auth;
using HealthServerless.Functions.Platform.Idempotency;
using HealthServerless.Functions.Platform.Json;
using HealthServerless.Functions.Platform.Problems;
using Microsoft.AspNetCore.WebUtilities;

namespace HealthServerless.Functions.Platform.OpenApi;

/// <summary>
/// The OpenAPI 3.1 document, built by reflection from the function methods themselves, so it
/// cannot drift from what is deployed: routes and methods from <c>[HttpTrigger]</c>, security
/// from the access attributes, bodies from <c>[AcceptsJson]</c>/<c>[ProducesJson]</c>, and
/// schemas exported with the API's own JSON options (so strictness shows as
/// <c>additionalProperties: false</c> and the DataAnnotations limits as JSON Schema keywords).
/// </summary>
public static class OpenApiDocumentBuilder
{
    private const string ProblemSchema = "Problem";

    public static JsonObject Build(Assembly assembly)
    {
        var schemas = new SchemaRegistry();
        schemas.Add(ProblemSchema, typeof(ProblemDocument));
        var paths = new JsonObject();
        foreach (var function in HttpFunctionCatalog.Discover(assembly).OrderBy(f => f.OpenApiPath, StringComparer.Ordinal))
        {
            if (paths[function.OpenApiPath] is not JsonObject pathItem)
            {
                paths[function.OpenApiPath] = pathItem = [];
            }

            foreach (var method in function.HttpMethods)
            {
                pathItem[method] = Operation(function, schemas);
            }
        }

        return new JsonObject
        {
            ["openapi"] = "3.1.1",
            ["info"] = new JsonObject
            {
                ["title"] = "HealthServerless API",
                ["version"] = "1",
                ["description"] = "Errors are RFC 9457 application/problem+json with a stable type URI under " + ApiProblems.TypeBase + ".",
            },
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["schemas"] = schemas.Schemas,
                ["securitySchemes"] = new JsonObject
                {
                    ["bearer"] = new JsonObject
                    {
                        ["type"] = "http",
                        ["scheme"] = "bearer",
                        ["bearerFormat"] = "JWT",
                        ["description"] = "Entra ID access token on Azure; the local development issuer's token on one machine.",
                    },
                },
            },
        };
    }

    private static JsonObject Operation(HttpFunction function, SchemaRegistry schemas)
    {
        var method = function.Method;
        var access = FunctionAccess.For(method);
        var accepts = method.GetCustomAttribute<AcceptsJsonAttribute>();
        var acceptsFile = method.GetCustomAttribute<AcceptsFileAttribute>();
        var idempotent = method.IsDefined(typeof(IdempotentAttribute), false);
        var operation = new JsonObject
        {
            ["operationId"] = function.Name,
            ["tags"] = new JsonArray(Tag(method)),
        };

        if (access.Kind == AccessKind.Anonymous)
        {
            operation["security"] = new JsonArray();
        }
        else
        {
            operation["security"] = new JsonArray(new JsonObject { ["bearer"] = new JsonArray() });
            operation["description"] = access.RoleSets.Count == 0
                ? "Any authenticated caller."
                : "Roles: " + string.Join("; and ", access.RoleSets.Select(set => string.Join(" or ", set.Order(StringComparer.Ordinal)))) + ".";
        }

        var parameters = new JsonArray();
        foreach (var (name, constraint) in HttpFunctionCatalog.RouteParameters(function.Route))
        {
            parameters.Add(new JsonObject
            {
                ["name"] = name,
                ["in"] = "path",
                ["required"] = true,
                ["schema"] = ConstraintSchema(constraint),
            });
        }

        if (idempotent)
        {
            parameters.Add(new JsonObject
            {
                ["name"] = IdempotencyMiddleware.HeaderName,
                ["in"] = "header",
                ["required"] = false,
                ["description"] = "A retry with the same key and request returns the first response (24 h); the same key with another request is 422.",
                ["schema"] = new JsonObject { ["type"] = "string", ["minLength"] = 1, ["maxLength"] = IdempotencyMiddleware.MaxKeyLength },
            });
        }

        if (parameters.Count > 0)
        {
            operation["parameters"] = parameters;
        }

        if (accepts is not null)
        {
            operation["requestBody"] = new JsonObject
            {
                ["required"] = true,
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = schemas.Ref(accepts.RequestType) } },
            };
        }
        else if (acceptsFile is not null)
        {
            operation["requestBody"] = FileBody(acceptsFile);
        }

        var responses = new SortedDictionary<string, JsonNode>(StringComparer.Ordinal);
        foreach (var produces in method.GetCustomAttributes<ProducesJsonAttribute>())
        {
            responses[Status(produces.StatusCode)] = new JsonObject
            {
                ["description"] = ReasonPhrase(produces.StatusCode),
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = schemas.Ref(produces.ResponseType) } },
            };
        }

        foreach (var empty in method.GetCustomAttributes<ProducesEmptyAttribute>())
        {
            responses[Status(empty.StatusCode)] = new JsonObject { ["description"] = ReasonPhrase(empty.StatusCode) };
        }

        if (responses.Count == 0)
        {
            responses["200"] = new JsonObject { ["description"] = ReasonPhrase(200) };
        }

        var problems = new SortedSet<int>(method.GetCustomAttributes<ProducesProblemAttribute>().Select(p => p.StatusCode)) { 500 };
        if (access.Kind != AccessKind.Anonymous)
        {
            problems.UnionWith([401, 403]);
        }

        if (accepts is not null)
        {
            problems.UnionWith([400, 413, 415]);
        }

        // A file of a type not listed is a 400 with the accepted types, not a 415.
        if (acceptsFile is not null)
        {
            problems.UnionWith([400, 413]);
        }

        if (idempotent)
        {
            problems.UnionWith([400, 409, 422]);
        }

        foreach (var status in problems)
        {
            responses.TryAdd(Status(status), new JsonObject
            {
                ["description"] = ReasonPhrase(status),
                ["content"] = new JsonObject { ["application/problem+json"] = new JsonObject { ["schema"] = SchemaRegistry.RefTo(ProblemSchema) } },
            });
        }

        operation["responses"] = new JsonObject(responses.Select(r => KeyValuePair.Create(r.Key, (JsonNode?)r.Value)));
        return operation;
    }

    /// <summary>
    /// A raw file body. OpenAPI 3.1 describes raw binary by its media type and a schema without
    /// <c>type</c> (a JSON string it is not); 3.0's <c>format: binary</c> is gone.
    /// </summary>
    private static JsonObject FileBody(AcceptsFileAttribute file)
    {
        var content = new JsonObject();
        foreach (var contentType in file.ContentTypes)
        {
            content[contentType] = new JsonObject { ["schema"] = new JsonObject { ["contentMediaType"] = contentType } };
        }

        return new JsonObject
        {
            ["description"] = string.Create(CultureInfo.InvariantCulture, $"The file itself, at most {file.MaxBytes} bytes, sent with one of these Content-Types."),
            ["required"] = true,
            ["content"] = content,
        };
    }

    /// <summary>The capability folder the function lives in (the last namespace segment), e.g. <c>Health</c>.</summary>
    private static string Tag(MethodInfo method) => method.DeclaringType?.Namespace?.Split('.')[^1] ?? "Api";

    private static string Status(int status) => status.ToString(CultureInfo.InvariantCulture);

    private static string ReasonPhrase(int status) =>
        ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : Status(status);

    private static JsonObject ConstraintSchema(string? constraint) => constraint?.ToUpperInvariant() switch
    {
        "INT" => new JsonObject { ["type"] = "integer", ["format"] = "int32" },
        "LONG" => new JsonObject { ["type"] = "integer", ["format"] = "int64" },
        "GUID" => new JsonObject { ["type"] = "string", ["format"] = "uuid" },
        "BOOL" => new JsonObject { ["type"] = "boolean" },
        "DATETIME" => new JsonObject { ["type"] = "string", ["format"] = "date-time" },
        "DECIMAL" or "DOUBLE" or "FLOAT" => new JsonObject { ["type"] = "number" },
        _ => new JsonObject { ["type"] = "string" },
    };
}
