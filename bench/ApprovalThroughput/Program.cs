// ApprovalThroughput: dotnet run -c Release --project bench/ApprovalThroughput [-- --applications 500 --concurrency 50 [--bare-only]]
// 1. The real app in the local host (durable worker over the Azure Storage backend on Azurite):
//    N physician applications, each created with its documents, submitted, reviewed and
//    approved by scripted decisions, then driven to a certificate. Prints completed
//    workflows/s and p50/p99 from the last decision to the completed orchestration
//    (certificate issued, registry updated, applicant notified).
// 2. A bare DurableTaskWorker on its own task hub of the same Azurite, in the same run (first): N
//    orchestrations of as many no-op activity steps as one approval runs. Prints its
//    workflows/s and the ratio.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using HealthServerless.Core.Common;
using HealthServerless.Core.Licensing;
using HealthServerless.Functions;
using HealthServerless.Functions.Licensing;
using HealthServerless.LocalHost;
using HealthServerless.LocalHost.Durable;
using HealthServerless.Testing;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;

var applications = Argument("--applications", 500);
var concurrency = Argument("--concurrency", 50);
var folder = Directory.CreateTempSubdirectory("hs-approvalbench-").FullName;
await using var azurite = await Azurite.StartAsync();
var settings = LocalAppSettings.Create(azurite, folder);
settings["LocalHost:TaskHubName"] = "approvalbench";
settings["Logging:LogLevel:Default"] = "Error";
Console.WriteLine($"ApprovalThroughput: {Environment.ProcessorCount} cores, {applications} applications, {concurrency} driven at once");

// One approval: OpenStep, CheckCompleteness, OpenStep, OpenStep, IssueCertificate, UpdateRegistry, Close, Notify.
const int ActivitySteps = 8;
var bareRate = await BareAsync();

// --bare-only: the baseline alone, to check it is not slowed by the licensing run before it.
var bareOnly = args.Contains("--bare-only");
double licenceRate = double.NaN;
List<double> latencies = [];
if (!bareOnly)
{
await using (var host = await LocalFunctionHost.StartAsync(
    new FunctionApp((services, configuration) => services.AddHealthServerless(configuration), worker => worker.UseHealthServerless()),
    [], settings, builder => builder.Logging.ClearProviders()))
{
    var licensing = host.Services.GetRequiredService<LicensingService>();
    var client = host.Services.GetRequiredService<DurableTaskClient>();
    var results = new ConcurrentBag<double>();
    var clock = Stopwatch.StartNew();
    // One application first, unmeasured: the backend acquires its partition leases on the first work.
    await ApproveAsync(-1, CancellationToken.None);
    results.Clear();
    clock.Restart();
    await Parallel.ForEachAsync(Enumerable.Range(0, applications), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, ct) => await ApproveAsync(i, ct));
    licenceRate = applications / clock.Elapsed.TotalSeconds;
    latencies = [.. results.Order()];

    async Task ApproveAsync(int i, CancellationToken ct)
    {
        var applicant = new Caller($"doctor-{i}", [Roles.Citizen]);
        var fields = new Dictionary<string, string>
        {
            ["name"] = $"医生{i}",
            ["qualificationNumber"] = $"Q{i:D10}",
            ["practiceCategory"] = "Clinical",
            ["practiceScope"] = "Internal medicine",
            ["institutionName"] = "北京协和医院",
        };
        var draft = await licensing.CreateAsync(applicant, ApplicationType.PhysicianPractice, fields, ct);
        foreach (var kind in LicenceTypes.PhysicianPractice.RequiredDocuments)
        {
            await licensing.AttachAsync(applicant, draft.Number, kind, System.Text.Encoding.UTF8.GetBytes($"%PDF-1.7 {kind} {i}"), "application/pdf", ct);
        }

        var submitted = await licensing.SubmitAsync(applicant, draft.Number, LicenceApprovalV1.Name, ct);
        await client.ScheduleNewOrchestrationInstanceAsync(LicenceApprovalV1.Name, new LicenceApprovalInput(draft.Number, submitted.Type), new StartOrchestrationOptions(draft.Number), ct);
        var review = await licensing.DecideAsync(new Caller("reviewer-1", [Roles.Reviewer]), draft.Number, LicensingStep.Review, DecisionOutcome.Approve, null, $"r-{i}", ct);
        await client.RaiseEventAsync(draft.Number, LicensingTasks.DecisionEvent, review.Event, ct);
        var approval = await licensing.DecideAsync(new Caller("approver-1", [Roles.Approver]), draft.Number, LicensingStep.Approval, DecisionOutcome.Approve, null, $"a-{i}", ct);
        await client.RaiseEventAsync(draft.Number, LicensingTasks.DecisionEvent, approval.Event, ct);
        var lastDecision = clock.Elapsed;
        var done = await client.WaitForInstanceCompletionAsync(draft.Number, getInputsAndOutputs: true, ct);
        if (done.RuntimeStatus != OrchestrationRuntimeStatus.Completed || done.ReadOutputAs<LicenceApprovalResult>()?.CertificateNumber is null)
        {
            throw new InvalidOperationException($"{draft.Number} ended {done.RuntimeStatus} {done.FailureDetails}");
        }

        results.Add((clock.Elapsed - lastDecision).TotalMilliseconds);
    }
}

}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"licensing approvals: {licenceRate:F1} completed workflows/s; last decision → certificate p50 {Percentile(latencies, 0.50):F0} ms, p99 {Percentile(latencies, 0.99):F0} ms"));

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bare DurableTaskWorker, {ActivitySteps} no-op activities each: {bareRate:F1} completed workflows/s"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio licensing / bare: {licenceRate / bareRate:F2}"));
Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
Directory.Delete(folder, recursive: true);

// The bare worker: same backend, same Azurite, its own task hub. It runs first: measured after
// the licensing host, it is slowed by what that run leaves behind (checked with --bare-only).
async Task<double> BareAsync()
{
    using (var loggerFactory = LoggerFactory.Create(_ => { }))
    await using (var sidecar = await DurableSidecar.StartAsync(azurite.ConnectionString, "barebench", loggerFactory, new LocalHostOptions().DurableVisibilityTimeout, CancellationToken.None))
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddDurableTaskClient(c => c.UseGrpc(sidecar.Channel));
        builder.Services.AddDurableTaskWorker(w =>
        {
            w.AddTasks(r =>
            {
                r.AddOrchestratorFunc<int, int>("BareSteps", async (context, steps) =>
                {
                    for (var s = 0; s < steps; s++)
                    {
                        await context.CallActivityAsync<int>("NoOp", s);
                    }

                    return steps;
                });
                r.AddActivityFunc<int, int>("NoOp", (_, s) => s);
            });
            w.UseGrpc(sidecar.Channel);
        });
        using var bare = builder.Build();
        await bare.StartAsync();
        var client = bare.Services.GetRequiredService<DurableTaskClient>();
        await client.WaitForInstanceCompletionAsync(await client.ScheduleNewOrchestrationInstanceAsync("BareSteps", ActivitySteps), CancellationToken.None);
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, applications), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, ct) =>
        {
            var id = await client.ScheduleNewOrchestrationInstanceAsync("BareSteps", ActivitySteps, ct);
            await client.WaitForInstanceCompletionAsync(id, ct);
        });
        var rate = applications / clock.Elapsed.TotalSeconds;
        await bare.StopAsync();
        return rate;
    }
}

static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

int Argument(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}
