using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HealthServerless.Core.Licensing;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace HealthServerless.EndToEnd.Tests.Licensing;

/// <summary>
/// The calls an applicant's portal and an official's workbench make, to a host in this process
/// (<see cref="LicensingHost"/>) or in a process of its own (<see cref="LocalHostProcess"/>).
/// </summary>
internal sealed class LicensingApi(Func<string?, HttpClient> client, Func<string, string, string> token, Func<string, Task<string>>? describe = null)
{
    public LicensingApi(LicensingHost host)
        : this(host.Client, (subject, role) => host.Token(subject, role), async number =>
        {
            var instance = await host.Host.Services.GetRequiredService<DurableTaskClient>().GetInstanceAsync(number, getInputsAndOutputs: true, Ct);
            return $"orchestration {instance?.RuntimeStatus} {instance?.SerializedCustomStatus} {instance?.FailureDetails}";
        })
    {
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public string ApplicantToken(string subject = "nurse-1") => token(subject, "citizen");

    public string Reviewer(string subject = "reviewer-1") => token(subject, "reviewer");

    public string Approver(string subject = "approver-1") => token(subject, "approver");

    public string Admin => token("admin-1", "admin");

    public static string NurseFields(string name, string qualification) => $$"""
        {"name":"{{name}}","qualificationNumber":"{{qualification}}","institutionName":"北京协和医院","practiceScope":"Nursing"}
        """;

    /// <summary>Creates an application, uploads every required document, submits it; returns its number.</summary>
    public async Task<string> ApplyAsync(ApplicationType type, string fieldsJson, string applicant)
    {
        using var http = client(applicant);
        var created = await ReadAsync(await http.PostAsync("/api/licence-applications", PlatformTests.Json($$"""{"type":"{{type}}","fields":{{fieldsJson}}}"""), Ct), HttpStatusCode.Created);
        var number = (string)created["number"]!;
        foreach (var kind in LicenceTypes.For(type).RequiredDocuments)
        {
            await UploadAsync(http, number, kind, "%PDF-1.7 " + kind, HttpStatusCode.Created);
        }

        var submitted = await ReadAsync(await http.PostAsync($"/api/licence-applications/{number}/submit", null, Ct), HttpStatusCode.Accepted);
        Assert.Equal("Review", (string?)submitted["waitingFor"]);
        return number;
    }

    public static async Task<JsonObject> UploadAsync(HttpClient http, string number, string kind, string content, HttpStatusCode expected, string mediaType = "application/pdf")
    {
        using var body = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(content));
        body.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return await ReadAsync(await http.PostAsync($"/api/licence-applications/{number}/attachments/{kind}", body, Ct), expected);
    }

    public async Task<HttpResponseMessage> DecideAsync(string token, string number, string step, string outcome, string? reason = null, string? idempotencyKey = null, string? decisionId = null)
    {
        using var http = client(token);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/licence-applications/{number}/decisions")
        {
            Content = PlatformTests.Json(new JsonObject { ["step"] = step, ["outcome"] = outcome, ["reason"] = reason, ["decisionId"] = decisionId }.ToJsonString()),
        };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return await http.SendAsync(request, Ct);
    }

    public async Task<JsonObject> GetAsync(string token, string number)
    {
        using var http = client(token);
        return await ReadAsync(await http.GetAsync($"/api/licence-applications/{number}", Ct), HttpStatusCode.OK);
    }

    /// <summary>Polls the application until <paramref name="done"/> holds (the orchestration works in the background).</summary>
    public async Task<JsonObject> WaitForAsync(string token, string number, Func<JsonObject, bool> done, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        while (true)
        {
            var application = await GetAsync(token, number);
            if (done(application))
            {
                return application;
            }

            if (DateTime.UtcNow > deadline)
            {
                var state = describe is null ? string.Empty : await describe(number);
                throw new TimeoutException($"Timed out waiting for {what}; {state}; last: {application.ToJsonString()}");
            }

            await Task.Delay(250, Ct);
        }
    }

    public static IReadOnlyList<string> Actions(JsonObject application) =>
        [.. application["history"]!.AsArray().Select(h => (string)h!["action"]!)];

    public static async Task<JsonObject> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == expected, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: expected {expected}, got {response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public static async Task<JsonArray> ReadArrayAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.RequestMessage?.RequestUri}: {response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsArray();
    }

    public static Task<JsonObject?> GetJsonAsync(HttpClient http, string path) => http.GetFromJsonAsync<JsonObject>(path, Ct);
}
