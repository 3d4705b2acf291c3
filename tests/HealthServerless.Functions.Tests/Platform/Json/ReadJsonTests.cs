using System.ComponentModel.DataAnnotations;
using System.Text;
using HealthServerless.Functions.Platform.Json;
using HealthServerless.Functions.Platform.Problems;
using Microsoft.AspNetCore.Http;

namespace HealthServerless.Functions.Tests.Platform.Json;

public enum Urgency
{
    Routine,
    Urgent,
}

public sealed record Slot([property: RegularExpression("^[0-9]{4}-[0-9]{2}-[0-9]{2}$")] string Day, [Range(8, 17)] int Hour);

public sealed record BookRequest(
    [StringLength(40, MinimumLength = 2)] string FullName,
    [Range(1, 5)] int Seats,
    Urgency Urgency,
    Slot Slot,
    IReadOnlyList<Slot>? Alternatives = null,
    string? Note = null);

public sealed class ReadJsonTests
{
    private const string Valid = """{"fullName":"Li Lei","seats":2,"urgency":"Urgent","slot":{"day":"2026-12-01","hour":9}}""";

    [Fact]
    public void Responses_carry_chinese_text_as_it_is_and_still_escape_markup()
    {
        var json = System.Text.Json.JsonSerializer.Serialize(new { name = "王芳", note = "<script>&" }, ApiJson.Options);

        Assert.Equal("""{"name":"王芳","note":"\u003Cscript\u003E\u0026"}""", json);
    }

    [Fact]
    public async Task A_valid_body_is_read()
    {
        var request = await Read(Valid);

        Assert.Equal(new BookRequest("Li Lei", 2, Urgency.Urgent, new Slot("2026-12-01", 9)), request with { Alternatives = null });
    }

    [Fact]
    public async Task Optional_members_may_be_left_out_or_null()
    {
        var request = await Read("""{"fullName":"Li Lei","seats":2,"urgency":"Routine","slot":{"day":"2026-12-01","hour":9},"note":null}""");

        Assert.Null(request.Note);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/json; charset=utf-16")]
    [InlineData(null)]
    public async Task Anything_but_json_is_415(string? contentType)
    {
        var problem = await Rejected(Valid, contentType);

        Assert.Equal(415, problem.Status);
        Assert.EndsWith("/unsupported-media-type", problem.Type, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_with_a_charset_parameter_is_accepted() =>
        Assert.Equal(2, (await Read(Valid, "application/json; charset=UTF-8")).Seats);

    [Fact]
    public async Task A_declared_length_over_the_limit_is_413_before_reading()
    {
        var problem = await Rejected(Valid, maxBytes: 16);

        Assert.Equal(413, problem.Status);
        Assert.EndsWith("/payload-too-large", problem.Type, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_is_413()
    {
        var problem = await Rejected(Valid, maxBytes: 16, declareLength: false);

        Assert.Equal(413, problem.Status);
    }

    [Fact]
    public async Task The_default_limit_is_64_KiB()
    {
        var big = "{\"fullName\":\"" + new string('x', 64 * 1024) + "\"}";
        var http = Request(big, "application/json", declareLength: true);

        var problem = (await Assert.ThrowsAsync<ProblemException>(() => http.Request.ReadJsonAsync<BookRequest>(CancellationToken.None))).Problem;

        Assert.Equal(413, problem.Status);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"fullName\":")]
    [InlineData("{'fullName':'x'}")]
    [InlineData("{\"fullName\":\"Li\",}")]
    [InlineData("{/* c */\"fullName\":\"Li\"}")]
    public async Task Malformed_json_is_400_on_the_root(string body)
    {
        var problem = await Rejected(body);

        Assert.Equal(400, problem.Status);
        Assert.EndsWith("/validation", problem.Type, StringComparison.Ordinal);
        Assert.Equal(["$"], problem.Errors!.Keys);
    }

    [Fact]
    public async Task An_unknown_property_is_400_naming_it()
    {
        var problem = await Rejected("""{"fullName":"Li Lei","seats":2,"urgency":"Urgent","slot":{"day":"2026-12-01","hour":9,"minute":5}}""");

        Assert.Equal(["Unknown property."], problem.Errors!["slot.minute"]);
    }

    [Fact]
    public async Task Property_names_are_case_sensitive() =>
        Assert.True((await Rejected(Valid.Replace("\"seats\"", "\"Seats\"", StringComparison.Ordinal))).Errors!.ContainsKey("Seats"));

    [Theory]
    [InlineData("""{"fullName":"Li Lei","seats":"2","urgency":"Urgent","slot":{"day":"2026-12-01","hour":9}}""", "seats", "Expected an integer.")]
    [InlineData("""{"fullName":"Li Lei","seats":2.5,"urgency":"Urgent","slot":{"day":"2026-12-01","hour":9}}""", "seats", "Expected an integer.")]
    [InlineData("""{"fullName":"Li Lei","seats":true,"urgency":"Urgent","slot":{"day":"2026-12-01","hour":9}}""", "seats", "Expected an integer.")]
    [InlineData("""{"fullName":"Li Lei","seats":2,"urgency":1,"slot":{"day":"2026-12-01","hour":9}}""", "urgency", "Expected one of Routine, Urgent.")]
    [InlineData("""{"fullName":"Li Lei","seats":2,"urgency":"Whenever","slot":{"day":"2026-12-01","hour":9}}""", "urgency", "Expected one of Routine, Urgent.")]
    [InlineData("""{"fullName":null,"seats":2,"urgency":"Urgent","slot":{"day":"2026-12-01","hour":9}}""", "fullName", "Must not be null.")]
    [InlineData("""{"fullName":42,"seats":2,"urgency":"Urgent","slot":{"day":"2026-12-01","hour":9}}""", "fullName", "Expected a string.")]
    [InlineData("""{"fullName":"Li Lei","seats":2,"urgency":"Urgent","slot":[]}""", "slot", "Expected an object.")]
    public async Task A_wrong_type_is_400_naming_the_field(string body, string field, string message)
    {
        var problem = await Rejected(body);

        Assert.Equal(400, problem.Status);
        Assert.Equal([message], problem.Errors![field]);
    }

    [Fact]
    public async Task A_wrong_type_inside_an_array_names_the_element()
    {
        var problem = await Rejected("""{"fullName":"Li Lei","seats":2,"urgency":"Urgent","slot":{"day":"2026-12-01","hour":9},"alternatives":[{"day":"2026-12-02","hour":10},{"day":"2026-12-03","hour":"ten"}]}""");

        Assert.Equal(["Expected an integer."], problem.Errors!["alternatives[1].hour"]);
    }

    [Fact]
    public async Task Missing_required_properties_are_each_named()
    {
        var problem = await Rejected("""{"fullName":"Li Lei"}""");

        Assert.Equal(400, problem.Status);
        Assert.Equal(["seats", "slot", "urgency"], problem.Errors!.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Missing_properties_are_reported_on_every_level_the_error_passes_through()
    {
        var problem = await Rejected("""{"fullName":"Li Lei","slot":{"day":"2026-12-01","hour":"nine"}}""");

        Assert.Equal(["seats", "slot.hour", "urgency"], problem.Errors!.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["Expected an integer."], problem.Errors["slot.hour"]);
    }

    [Fact]
    public async Task A_missing_required_property_of_a_nested_object_is_named_by_its_path()
    {
        var problem = await Rejected("""{"fullName":"Li Lei","seats":2,"urgency":"Urgent","slot":{"day":"2026-12-01"}}""");

        Assert.Equal(["Required."], problem.Errors!["slot.hour"]);
    }

    [Fact]
    public async Task A_duplicate_property_is_400()
    {
        var problem = await Rejected("""{"fullName":"Li Lei","fullName":"Han Meimei","seats":2,"urgency":"Urgent","slot":{"day":"2026-12-01","hour":9}}""");

        Assert.Equal(["Duplicate property."], problem.Errors!["fullName"]);
    }

    [Fact]
    public async Task Json_null_as_the_body_is_400() =>
        Assert.Equal(400, (await Rejected("null")).Status);

    [Fact]
    public async Task Out_of_range_values_are_400_with_camel_case_field_paths()
    {
        var problem = await Rejected("""{"fullName":"L","seats":9,"urgency":"Urgent","slot":{"day":"1 Dec","hour":20},"alternatives":[{"day":"2026-12-02","hour":7}]}""");

        Assert.Equal(400, problem.Status);
        Assert.Equal(["fullName", "seats", "slot.day", "slot.hour", "alternatives[0].hour"], problem.Errors!.Keys);
        Assert.Contains("seats", problem.Errors["seats"][0], StringComparison.Ordinal);
        Assert.DoesNotContain(problem.Errors.Values.SelectMany(m => m), m => m.Contains("Exception", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_body_can_be_read_again_after_an_earlier_reader()
    {
        var http = Request(Valid, "application/json", declareLength: true);
        http.Request.EnableBuffering();
        await RequestBody.ReadAsync(http.Request, 1024, CancellationToken.None);

        Assert.Equal("Li Lei", (await http.Request.ReadJsonAsync<BookRequest>(CancellationToken.None)).FullName);
    }

    private static DefaultHttpContext Request(string body, string? contentType, bool declareLength)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var http = new DefaultHttpContext();
        http.Request.Method = "POST";
        http.Request.ContentType = contentType;
        http.Request.Body = new MemoryStream(bytes);
        if (declareLength)
        {
            http.Request.ContentLength = bytes.Length;
        }

        return http;
    }

    private static Task<BookRequest> Read(string body, string contentType = "application/json") =>
        Request(body, contentType, declareLength: true).Request.ReadJsonAsync<BookRequest>(1024, CancellationToken.None);

    private static async Task<Problem> Rejected(string body, string? contentType = "application/json", int maxBytes = 1024, bool declareLength = true)
    {
        var http = Request(body, contentType, declareLength);
        var error = await Assert.ThrowsAsync<ProblemException>(() => http.Request.ReadJsonAsync<BookRequest>(maxBytes, CancellationToken.None));
        return error.Problem;
    }
}
