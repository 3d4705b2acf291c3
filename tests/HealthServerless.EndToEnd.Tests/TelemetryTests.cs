using System.Collections;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using HealthServerless.Core.Telemetry;
using HealthServerless.Functions.Platform.Telemetry;
using HealthServerless.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace HealthServerless.EndToEnd.Tests;

/// <summary>The app with its own telemetry and an in-memory exporter beside it.</summary>
public sealed class TelemetryHost : AppHostBase
{
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.FromHours(8)));

    public ExportedCollection<Activity> Spans { get; } = new();

    public ExportedCollection<MetricSnapshot> Metrics { get; } = new();

    protected override TimeProvider Clock => Time;

    protected override void AddTelemetry(IServiceCollection services, IConfiguration configuration) =>
        services.AddHealthTelemetry(configuration, otel => otel
            .WithTracing(tracing => tracing.AddInMemoryExporter(Spans))
            .WithMetrics(metrics => metrics.AddInMemoryExporter(Metrics)));

    /// <summary>Spans end on many threads at once (requests, pollers), and the test reads while they do.</summary>
    public sealed class ExportedCollection<T> : ICollection<T>
    {
        private readonly ConcurrentQueue<T> _items = new();

        public int Count => _items.Count;

        public bool IsReadOnly => false;

        public void Add(T item) => _items.Enqueue(item);

        public void Clear() => _items.Clear();

        public bool Contains(T item) => _items.Contains(item);

        public void CopyTo(T[] array, int arrayIndex) => _items.CopyTo(array, arrayIndex);

        public bool Remove(T item) => throw new NotSupportedException();

        public IEnumerator<T> GetEnumerator() => _items.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

/// <summary>What the app sends as telemetry for real HTTP calls, and what it never sends (docs/operations.md, Telemetry).</summary>
public sealed class TelemetryTests(TelemetryHost app) : IClassFixture<TelemetryHost>
{
    private const string Name = "欧阳遥测";
    private const string Mobile = "13912345678";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_http_invocation_has_its_span_with_store_spans_below_it_and_no_attribute_says_who()
    {
        var idNumber = ResidentIds.Make(4242);
        var token = app.Token("telemetry-citizen", "citizen");
        // The test is the caller: its own sampled span makes the trace, as a portal's traceparent would.
        using var caller = new Activity("telemetry-test").SetIdFormat(ActivityIdFormat.W3C).Start();
        caller.ActivityTraceFlags = ActivityTraceFlags.Recorded;
        var trace = caller.TraceId;
        using var http = app.Client(token);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/residents?mobile=" + Mobile)
        {
            Content = PlatformTests.Json($$"""{"name":"{{Name}}","residentIdNumber":"{{idNumber}}","mobile":"{{Mobile}}","relationship":"Self"}"""),
        };

        var response = await http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var spans = await SpansOfAsync(trace, "function RegisterResident");
        var invocation = spans.Single(s => s.DisplayName == "function RegisterResident");
        Assert.Equal(TelemetrySetup.WorkerSourceName, invocation.Source.Name);
        Assert.Equal("RegisterResident", invocation.GetTagItem("faas.name"));
        Assert.Equal("http", invocation.GetTagItem("faas.trigger"));
        Assert.False(string.IsNullOrEmpty(invocation.GetTagItem("faas.invocation_id") as string));
        Assert.Equal("POST", invocation.GetTagItem("http.request.method"));
        Assert.Equal("/api/residents", "/" + ((string)invocation.GetTagItem("http.route")!).TrimStart('/'));
        Assert.Equal(201, invocation.GetTagItem("http.response.status_code"));

        var server = spans.Single(s => s.Kind == ActivityKind.Server);
        Assert.Equal(server.SpanId, invocation.ParentSpanId);
        var store = spans.Where(s => s.Source.Name == TracedDocumentStore.SourceName && s.ParentSpanId == invocation.SpanId).ToList();
        Assert.Contains(store, s => (string?)s.GetTagItem("db.operation.name") == "create" && (string?)s.GetTagItem("db.collection.name") == "residents");
        Assert.All(store, s => Assert.Equal("sqlite", s.GetTagItem("db.system")));

        // Every span the host sent, not only this trace's: nothing anywhere says who or carries the token.
        var sent = string.Join("\n", app.Spans.SelectMany(Everything));
        foreach (var secret in new[] { idNumber, Name, Mobile, token })
        {
            Assert.DoesNotContain(secret, sent, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(app.Logs, line => line.Contains(secret, StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public async Task Bookings_made_and_refused_are_counted_by_channel_and_reason()
    {
        using var staff = app.Client(app.Token("staff-t", "staff", new Dictionary<string, string> { ["institution_id"] = "H001" }));
        var session = await ReadAsync(await staff.PostAsync("/api/institutions/H001/sessions", PlatformTests.Json("""
            {"department":"心内科","physicianId":"DT1","physicianName":"王医生","date":"2026-12-01","period":"am",
             "slots":[{"start":"08:00:00","end":"09:00:00","capacity":5,"onsiteSeats":1}],"feeFen":5000}
            """), Ct), HttpStatusCode.Created);
        using var citizen = app.Client(app.Token("telemetry-booker", "citizen"));
        var code = await ReadAsync(await citizen.PostAsync("/api/residents", PlatformTests.Json($$"""
            {"name":"居民甲","residentIdNumber":"{{ResidentIds.Make(4243)}}","mobile":"13800138000","relationship":"Self"}
            """), Ct), HttpStatusCode.Created);
        var booking = PlatformTests.Json($$"""{"institutionId":"H001","sessionId":"{{session["sessionId"]}}","slotId":"s1"}""");

        await ReadAsync(await citizen.PostAsync($"/api/health-codes/{code["codeId"]}/bookings", booking, Ct), HttpStatusCode.Created);
        var again = await citizen.PostAsync($"/api/health-codes/{code["codeId"]}/bookings", PlatformTests.Json(await booking.ReadAsStringAsync(Ct)), Ct);

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        app.Host.Services.GetRequiredService<MeterProvider>().ForceFlush();
        Assert.True(Sum("healthserverless.bookings.made", ("channel", "online")) >= 1);
        Assert.True(Sum("healthserverless.bookings.refused", ("channel", "online"), ("reason", "already-booked")) >= 1);
        Assert.Contains(app.Metrics, m => m.MeterName == CoreMetrics.MeterName);
    }

    /// <summary>The spans of one trace once <paramref name="last"/> has ended (spans end after the response is written).</summary>
    private async Task<List<Activity>> SpansOfAsync(ActivityTraceId trace, string last)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var spans = app.Spans.Where(s => s.TraceId == trace).ToList();
            if (spans.Any(s => s.DisplayName == last) && spans.Any(s => s.Kind == ActivityKind.Server))
            {
                return spans;
            }

            await Task.Delay(50, Ct);
        }

        throw new TimeoutException($"No span {last} in trace {trace}: " + string.Join("; ", app.Spans.Select(s => $"{s.Source.Name}|{s.DisplayName}|{s.Kind}|{s.TraceId}|{s.ParentSpanId}")));
    }

    private static IEnumerable<string> Everything(Activity span) =>
        new[] { span.DisplayName, span.StatusDescription ?? string.Empty, span.TraceStateString ?? string.Empty }
            .Concat(span.TagObjects.Select(t => $"{t.Key}={t.Value}"))
            .Concat(span.Events.SelectMany(e => e.Tags.Select(t => $"{e.Name} {t.Key}={t.Value}")))
            .Concat(span.Baggage.Select(b => $"{b.Key}={b.Value}"));

    private long Sum(string metric, params (string Key, string Value)[] tags)
    {
        var latest = app.Metrics.LastOrDefault(m => m.Name == metric);
        return latest is null
            ? 0
            : latest.MetricPoints
                .Where(point => tags.All(tag => Tags(point).TryGetValue(tag.Key, out var value) && (string?)value == tag.Value))
                .Sum(point => point.GetSumLong());
    }

    private static Dictionary<string, object?> Tags(MetricPoint point)
    {
        var tags = new Dictionary<string, object?>();
        foreach (var tag in point.Tags)
        {
            tags[tag.Key] = tag.Value;
        }

        return tags;
    }

    private static async Task<JsonObject> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == expected, $"Expected {expected}, got {response.StatusCode}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }
}
