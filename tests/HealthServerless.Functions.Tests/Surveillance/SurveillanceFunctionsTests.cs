using HealthServerless.Core.Common;
using HealthServerless.Core.Dispensing;
using HealthServerless.Core.Surveillance;
using HealthServerless.Functions.Surveillance;
using HealthServerless.LocalHost.Catalog;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HealthServerless.Functions.Tests.Surveillance;

/// <summary>The surveillance functions as the host sees them, and the queue intake on the app's own registrations (a SQLite file).</summary>
public sealed class SurveillanceFunctionsTests : IAsyncDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "hs-surv-" + Guid.NewGuid().ToString("N"));
    private readonly ServiceProvider _services;

    public SurveillanceFunctionsTests()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Sqlite:Path"] = Path.Combine(_folder, "app.db"),
            // Alerts starts fan-outs through a queue; nothing here raises one, but the app's registrations need an account named.
            ["Storage:ConnectionString"] = "UseDevelopmentStorage=true",
        }).Build();
        _services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging().AddHealthServerless(configuration).BuildServiceProvider();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Functions_metadata_lists_every_surveillance_function_with_its_trigger()
    {
        var catalog = FunctionCatalog.Load(Path.Combine(AppContext.BaseDirectory, "functions.metadata"));

        string[] http = ["SubmitCaseReports", "SubmitLabResults", "SubmitSyndromicCounts", "SubmitPharmacySales", "ListSurveillanceSignals",
            "ListSurveillanceCandidates", "ListParkedSurveillanceMessages", "RunSurveillanceDetection", "ReplaySurveillanceHistory"];
        Assert.Subset(catalog.WithTrigger("httpTrigger").Select(f => f.Name).ToHashSet(), http.ToHashSet());
        Assert.Contains(catalog.WithTrigger("queueTrigger"), f => f.Name == "ReceiveSurveillanceBatch");
        Assert.Contains(catalog.WithTrigger("queueTrigger"), f => f.Name == "RunDistrictDetection");
        Assert.Contains(catalog.WithTrigger("timerTrigger"), f => f.Name == "DetectSurveillanceSignals");
    }

    [Fact]
    public void Dispensing_tells_surveillance_of_every_close()
    {
        Assert.Contains(_services.GetServices<IDispenseObserver>(), o => o is DispensedSales);
    }

    [Fact]
    public async Task A_queued_batch_is_taken_and_a_bad_one_is_parked_with_its_line_errors()
    {
        var queue = ActivatorUtilities.CreateInstance<SurveillanceQueueFunctions>(_services);
        var today = BusinessTime.DateKey(BusinessTime.Today(TimeProvider.System.GetUtcNow()));

        await queue.Receive($$"""{"kind":"syndromic-counts","sourceId":"H001","lines":[{"reportId":"F1","date":"{{today}}","district":"徐汇区","syndrome":"fever-clinic","count":12}]}""", Ct);
        await queue.Receive($$"""{"kind":"syndromic-counts","sourceId":"H001","lines":[{"reportId":"F2","date":"{{today}}","district":"","syndrome":"fever-clinic","count":-1}]}""", Ct);
        await queue.Receive("not json", Ct);
        await queue.Receive("""{"kind":"gossip","sourceId":"H001","lines":[]}""", Ct);

        var ledger = _services.GetRequiredService<ReportLedger>();
        Assert.Equal(12, (await ledger.SeriesAsync("徐汇区", "syndromic.fever-clinic", BusinessTime.Today(TimeProvider.System.GetUtcNow()), Ct)).Sum(BusinessTime.Today(TimeProvider.System.GetUtcNow()), 1));
        var parked = await _services.GetRequiredService<ParkedMessages>().ListAsync(BusinessTime.Today(TimeProvider.System.GetUtcNow()), Ct);
        Assert.Equal(["invalid-report-lines", "unknown-kind", "unreadable"], parked.Select(p => p.Reason).Order(StringComparer.Ordinal));
        var lines = parked.Single(p => p.Reason == "invalid-report-lines");
        Assert.Equal(["lines[0].count", "lines[0].district"], lines.Errors.Keys.Order(StringComparer.Ordinal));
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
