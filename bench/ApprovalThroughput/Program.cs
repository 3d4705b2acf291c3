// ApprovalThroughput: dotnet run -c Release --project bench/ApprovalThroughput [-- --applications 500 --concurrency 50 --backend Sqlite|AzureStorage]
// The real app in the local host (durable worker over its SQLite task hub, or the Azure Storage provider
// on Azurite with --backend AzureStorage; docs/decisions/017), after an unmeasured warm-up as long as a run, and in
// the same worker, on the same warmed task hub, a bare orchestration of no-op activities:
// 1. bare run A: N orchestrations of as many no-op activity steps as one approval runs;
// 2. licensing: N physician applications, each created with its documents, submitted, reviewed
//    and approved by scripted decisions, then driven to a certificate. Prints completed
//    workflows/s and p50/p99 from the last decision to the completed orchestration (certificate
//    issued, registry updated, applicant notified), taken from the backend's completion time;
// 3. bare run B, as A. Prints both bare runs, how far apart they are, and licensing / bare.
// The bare tasks go straight to the worker (no function invoker, no store): the difference is the
// app's own work, not the durable backend's, which both share.
using System.Collections.Concurrent;
using System.Diagnostics;
using HealthServerless.Bench;
using HealthServerless.Core.Common;
using HealthServerless.Core.Licensing;
using HealthServerless.Functions;
using HealthServerless.Functions.Licensing;
using HealthServerless.LocalHost;
using HealthServerless.Testing;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

var applications = BenchFigures.Argument(args, "--applications", 500);
var concurrency = BenchFigures.Argument(args, "--concurrency", 50);
var folder = Directory.CreateTempSubdirectory("hs-approvalbench-").FullName;
await using var azurite = await Azurite.StartAsync();
var settings = LocalAppSettings.Create(azurite, folder);
settings["LocalHost:TaskHubName"] = "approvalbench";
settings["LocalHost:DurableBackend"] = args.SkipWhile(a => a != "--backend").Skip(1).FirstOrDefault() ?? "Sqlite";
settings["Logging:LogLevel:Default"] = "Error";
// Ended instances are purged as in ./run, sooner: each run then meets a task hub of about the same size (docs/decisions/012).
// Not much sooner: a completed instance purged before the client's next poll would be waited for for ever.
settings["LocalHost:DurableHistoryRetention"] = "00:02:00";
settings["LocalHost:DurableHistoryPurgeInterval"] = "00:00:10";
Console.WriteLine($"ApprovalThroughput: {Environment.ProcessorCount} cores, {settings["LocalHost:DurableBackend"]} durable backend, {applications} applications, {concurrency} driven at once");

// One approval: OpenStep, CheckCompleteness, OpenStep, OpenStep, IssueCertificate, UpdateRegistry, Close, Notify.
const int ActivitySteps = 8;

await using var host = await LocalFunctionHost.StartAsync(
    new FunctionApp((services, configuration) => services.AddHealthServerless(configuration), worker => worker.UseHealthServerless()),
    [], settings, builder =>
    {
        builder.Logging.ClearProviders();
        // The baseline's tasks, in the same worker as the app's.
        BareWorkflow.Register(builder.Services);
    });
var applicants = host.Services.GetRequiredService<ApplicantCommands>();
var decisions = host.Services.GetRequiredService<OfficialDecisions>();
var client = host.Services.GetRequiredService<DurableTaskClient>();

// Warm-up, unmeasured, as long as a run: the JIT compiles both paths and recompiles the hot ones (tiered
// compilation), and the task hub holds a run's worth of history, as it does from then on.
var warmUp = applications;
await Parallel.ForEachAsync(Enumerable.Range(0, warmUp), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, ct) => await BareAsync(ct));
await Parallel.ForEachAsync(Enumerable.Range(-warmUp, warmUp), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, ct) => await ApproveAsync(i, ct));

var bareA = await RunAsync((_, ct) => BareAsync(ct));
var licence = await RunAsync(ApproveAsync);
var bareB = await RunAsync((_, ct) => BareAsync(ct));

Console.WriteLine(BenchFigures.Line("bare DurableTaskWorker, run A", bareA, "completed workflows/s", "start → completed"));
Console.WriteLine(BenchFigures.Line("licensing approvals", licence, "completed workflows/s", "last decision → certificate"));
Console.WriteLine(BenchFigures.Line("bare DurableTaskWorker, run B", bareB, "completed workflows/s", "start → completed"));
Console.WriteLine(BenchFigures.AgainstBare(bareA, bareB, licence, "licensing"));
Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
Directory.Delete(folder, recursive: true);

// Runs one workflow per index, at most `concurrency` at once; each returns its latency in ms.
async Task<Run> RunAsync(Func<int, CancellationToken, Task<double>> one)
{
    var latencies = new ConcurrentBag<double>();
    var clock = Stopwatch.StartNew();
    await Parallel.ForEachAsync(Enumerable.Range(0, applications), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, ct) => latencies.Add(await one(i, ct)));
    return new Run(applications / clock.Elapsed.TotalSeconds, [.. latencies.Order()]);
}

Task<double> BareAsync(CancellationToken ct) => BareWorkflow.RunOnceAsync(client, ActivitySteps, ct);

async Task<double> ApproveAsync(int i, CancellationToken ct)
{
    var applicant = new Caller($"doctor-{i}", [Roles.Citizen]);
    var fields = new Dictionary<string, string>
    {
        ["name"] = $"医生{i}",
        ["qualificationNumber"] = $"Q{i + 1000:D10}",
        ["practiceCategory"] = "Clinical",
        ["practiceScope"] = "Internal medicine",
        ["institutionName"] = "北京协和医院",
    };
    var draft = await applicants.CreateAsync(applicant, ApplicationType.PhysicianPractice, fields, ct);
    foreach (var kind in LicenceTypes.PhysicianPractice.RequiredDocuments)
    {
        await applicants.AttachAsync(applicant, draft.Number, kind, System.Text.Encoding.UTF8.GetBytes($"%PDF-1.7 {kind} {i}"), "application/pdf", ct);
    }

    var submitted = await applicants.SubmitAsync(applicant, draft.Number, LicenceApprovalV1.Name, ct);
    await client.ScheduleNewOrchestrationInstanceAsync(LicenceApprovalV1.Name, new LicenceApprovalInput(draft.Number, submitted.Type), new StartOrchestrationOptions(draft.Number), ct);
    var review = await decisions.DecideAsync(new Caller("reviewer-1", [Roles.Reviewer]), draft.Number, LicensingStep.Review, DecisionOutcome.Approve, null, $"r-{i}", ct);
    await client.RaiseEventAsync(draft.Number, LicenceApprovalV1.DecisionEvent, review.Event, ct);
    var approval = await decisions.DecideAsync(new Caller("approver-1", [Roles.Approver]), draft.Number, LicensingStep.Approval, DecisionOutcome.Approve, null, $"a-{i}", ct);
    var lastDecision = DateTimeOffset.UtcNow;
    await client.RaiseEventAsync(draft.Number, LicenceApprovalV1.DecisionEvent, approval.Event, ct);
    // The client polls for completion every 2 s; the backend's completion time is what the applicant would see.
    var done = await client.WaitForInstanceCompletionAsync(draft.Number, getInputsAndOutputs: true, ct);
    if (done.RuntimeStatus != OrchestrationRuntimeStatus.Completed || done.ReadOutputAs<LicenceApprovalResult>()?.CertificateNumber is null)
    {
        throw new InvalidOperationException($"{draft.Number} ended {done.RuntimeStatus} {done.FailureDetails}");
    }

    return (done.LastUpdatedAt - lastDecision).TotalMilliseconds;
}
