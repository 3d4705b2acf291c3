using System.Globalization;
using System.Text.Json.Nodes;
using HealthServerless.Core.Licensing;
using HealthServerless.Functions.Platform.OpenApi;

namespace HealthServerless.Functions.Tests.Platform.OpenApi;

public sealed class OpenApiTests
{
    private static readonly JsonObject App = OpenApiDocumentBuilder.Build(typeof(CompositionRoot).Assembly);
    private static readonly JsonObject Samples = OpenApiDocumentBuilder.Build(typeof(SampleFunctions).Assembly);

    [Fact]
    public void Every_http_function_of_the_app_is_in_the_document()
    {
        var functions = HttpFunctionCatalog.Discover(typeof(CompositionRoot).Assembly);

        Assert.Contains(functions, f => f.Name == "GetHealth");
        Assert.All(functions, function => Assert.All(function.HttpMethods, method =>
            Assert.Equal(function.Name, App["paths"]?[function.OpenApiPath]?[method]?["operationId"]?.GetValue<string>())));
    }

    [Fact]
    public void Every_operation_in_the_document_is_an_http_function()
    {
        var functions = HttpFunctionCatalog.Discover(typeof(CompositionRoot).Assembly);
        var operations = App["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject().Select(op => (Path: path.Key, Method: op.Key, Id: op.Value!["operationId"]!.GetValue<string>())));

        Assert.All(operations, op => Assert.Contains(functions, f => f.Name == op.Id && f.OpenApiPath == op.Path && f.HttpMethods.Contains(op.Method)));
    }

    [Fact]
    public void The_platform_endpoints_are_public_and_the_bearer_scheme_is_declared()
    {
        Assert.Equal("3.1.1", App["openapi"]!.GetValue<string>());
        Assert.Empty(App["paths"]!["/api/health"]!["get"]!["security"]!.AsArray());
        Assert.Empty(App["paths"]!["/api/openapi.json"]!["get"]!["security"]!.AsArray());
        Assert.Equal("bearer", App["components"]!["securitySchemes"]!["bearer"]!["scheme"]!.GetValue<string>());
        Assert.NotNull(App["components"]!["schemas"]!["HealthReport"]);
        Assert.NotNull(App["paths"]!["/api/health/ready"]!["get"]!["responses"]!["503"]);
    }

    [Fact]
    public void A_protected_idempotent_operation_declares_token_roles_key_body_and_problems()
    {
        var operation = Samples["paths"]!["/api/things"]!["post"]!;

        Assert.NotNull(operation["security"]![0]!["bearer"]);
        Assert.Equal("Roles: citizen or staff.", operation["description"]!.GetValue<string>());
        Assert.Equal("Idempotency-Key", operation["parameters"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("#/components/schemas/ThingRequest", operation["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
        Assert.Equal("#/components/schemas/ThingResponse", operation["responses"]!["201"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
        Assert.Equal(["201", "400", "401", "403", "404", "409", "413", "415", "422", "500"], operation["responses"]!.AsObject().Select(r => r.Key));
        Assert.Equal("#/components/schemas/Problem", operation["responses"]!["422"]!["content"]!["application/problem+json"]!["schema"]!["$ref"]!.GetValue<string>());
    }

    [Fact]
    public void The_attachment_upload_takes_a_raw_file_of_exactly_the_types_core_accepts_within_its_size_limit()
    {
        var operation = App["paths"]!["/api/licence-applications/{number}/attachments/{kind}"]!["post"]!;
        var body = operation["requestBody"]!;
        // What ApplicantCommands enforces when nothing is configured.
        var enforced = new LicensingOptions();

        Assert.True(body["required"]!.GetValue<bool>());
        Assert.Equal(enforced.AllowedContentTypes.Order(StringComparer.Ordinal), body["content"]!.AsObject().Select(c => c.Key).Order(StringComparer.Ordinal));
        Assert.All(body["content"]!.AsObject(), c =>
        {
            // OpenAPI 3.1 raw binary: no "type" (it is not a JSON string), the media type said once more.
            Assert.Equal(["contentMediaType"], c.Value!["schema"]!.AsObject().Select(k => k.Key));
            Assert.Equal(c.Key, c.Value!["schema"]!["contentMediaType"]!.GetValue<string>());
        });
        Assert.Contains(enforced.MaxAttachmentBytes.ToString(CultureInfo.InvariantCulture), body["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotNull(operation["responses"]!["400"]);
        Assert.NotNull(operation["responses"]!["413"]);
    }

    [Fact]
    public void Request_schemas_are_strict_and_carry_the_validation_limits()
    {
        var schema = Samples["components"]!["schemas"]!["ThingRequest"]!;

        Assert.False(schema["additionalProperties"]!.GetValue<bool>());
        Assert.Equal(["name"], schema["required"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(20, schema["properties"]!["name"]!["maxLength"]!.GetValue<int>());
        Assert.Equal(2, schema["properties"]!["name"]!["minLength"]!.GetValue<int>());
        Assert.Equal(1m, schema["properties"]!["count"]!["minimum"]!.GetValue<decimal>());
        Assert.Equal(10m, schema["properties"]!["count"]!["maximum"]!.GetValue<decimal>());
    }

    [Fact]
    public void Route_parameters_are_declared_without_constraints()
    {
        var path = Samples["paths"]!["/api/institutions/{institutionId}/records/{year}"]!["get"]!;

        Assert.Equal(["institutionId", "year"], path["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()));
        Assert.Equal("integer", path["parameters"]![1]!["schema"]!["type"]!.GetValue<string>());
        Assert.NotNull(path["responses"]!["204"]);
    }

    [Theory]
    [InlineData("items/{id:guid}/{part?}", "items/{id}/{part}")]
    [InlineData("files/{*path}", "files/{path}")]
    [InlineData("slots/{day:regex(^\\d{{4}}$)}", "slots/{day}")]
    [InlineData("health", "health")]
    public void Routes_are_reduced_to_openapi_templates(string route, string expected) =>
        Assert.Equal(expected, HttpFunctionCatalog.PlainRoute(route));

    [Fact]
    public async Task The_document_is_served_anonymously()
    {
        await using var host = PlatformHarness.Start();

        var response = await host.SendAsync(typeof(OpenApiFunctions).GetMethod(nameof(OpenApiFunctions.GetOpenApiDocument))!, "GET", "/api/openapi.json");

        Assert.Equal(200, response.Status);
        Assert.Equal("3.1.1", response.Json.GetProperty("openapi").GetString());
    }
}
