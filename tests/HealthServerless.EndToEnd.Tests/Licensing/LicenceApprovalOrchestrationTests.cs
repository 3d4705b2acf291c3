using System.Globalization;
using HealthServerless.Core.Booking;
using HealthServerless.Core.Common;
using HealthServerless.Core.Licensing;
using HealthServerless.Functions;
using HealthServerless.Functions.Licensing;
using HealthServerless.Functions.Platform.Durable;
using HealthServerless.Testing;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HealthServerless.EndToEnd.Tests.Licensing;

/// <summary>
/// <see cref="LicenceApprovalV1"/> on the in-process Durable test host, which replays it for
/// real, with the app's own services (SQLite store, blobs on Azurite). Timers run on real time,
/// so the nurse review limit is a few seconds of working time.
/// </summary>
public sealed class LicenceApprovalOrchestrationTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "hs-lic-dt-" + Guid.NewGuid().ToString("N"));
    private Azurite? _azurite;
    private DurableTaskTestHost? _host;

    private DurableTaskTestHost Host => _host!;

    private ApplicantCommands Applicants => Host.Services.GetRequiredService<ApplicantCommands>();

    private OfficialDecisions Decisions => Host.Services.GetRequiredService<OfficialDecisions>();

    private ApplicationQueries Queries => Host.Services.GetRequiredService<ApplicationQueries>();

    public async ValueTask InitializeAsync()
    {
        _azurite = await Azurite.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = _azurite.ConnectionString,
            ["Sqlite:Path"] = Path.Combine(_folder, "app.db"),
            ["Auth:LocalKeyFile"] = Path.Combine(_folder, "keys", "local-issuer.json"),
            ["Identity:LocalKeyFile"] = Path.Combine(_folder, "keys", "identity.json"),
            ["Licensing:LocalKeyFile"] = Path.Combine(_folder, "keys", "licensing.json"),
            ["Licensing:Deadlines:NursePractice:Review"] = "0.00005",
            ["Licensing:Deadlines:NursePractice:Inspection"] = "0",
            ["Licensing:Deadlines:NursePractice:Approval"] = "5",
        };
        var today = BusinessTime.Today(DateTimeOffset.UtcNow);
        for (var i = 0; i < 10; i++)
        {
            settings[$"Calendar:MakeUpWorkdays:{i}"] = today.AddDays(i - 1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        // The test host binds the port it is given without asking the OS first; another test may
        // take it in between, so a failed bind is retried on a fresh port.
        for (var attempt = 1; _host is null; attempt++)
        {
            try
            {
                _host = await DurableTaskTestHost.StartAsync(DurableTasks.Register, new DurableTaskTestHostOptions
                {
                    Port = EmulatorProcess.FreePort(),
                    ConfigureServices = services => services.AddSingleton<IConfiguration>(configuration).AddHealthServerless(configuration),
                });
            }
            catch (IOException) when (attempt < 5)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public async Task Duplicate_and_stale_events_are_ignored_and_the_approval_ends_with_a_certificate()
    {
        var number = await SubmitAsync(ApplicationType.PhysicianPractice, new()
        {
            ["name"] = "吴十", ["qualificationNumber"] = "Q2026000010", ["practiceCategory"] = "Clinical", ["practiceScope"] = "Dermatology", ["institutionName"] = "北京协和医院",
        });
        await Host.Client.ScheduleNewOrchestrationInstanceAsync(LicenceApprovalV1.Name, new LicenceApprovalInput(number, ApplicationType.PhysicianPractice), new Microsoft.DurableTask.StartOrchestrationOptions(number), Ct);

        var review = await Decisions.DecideAsync(new Caller("reviewer-1", [Roles.Reviewer]), number, LicensingStep.Review, DecisionOutcome.Approve, null, "r1", Ct);
        await Host.Client.RaiseEventAsync(number, LicenceApprovalV1.DecisionEvent, review.Event, Ct);
        await Host.Client.RaiseEventAsync(number, LicenceApprovalV1.DecisionEvent, review.Event, Ct);
        await Host.Client.RaiseEventAsync(number, LicenceApprovalV1.DecisionEvent, review.Event with { Seq = 0, DecisionId = "stale" }, Ct);
        await WaitForStatusAsync(number, s => s.Contains("\"WaitingFor\":3", StringComparison.Ordinal), "the approval step");
        var approval = await Decisions.DecideAsync(new Caller("approver-1", [Roles.Approver]), number, LicensingStep.Approval, DecisionOutcome.Approve, null, "a1", Ct);
        await Host.Client.RaiseEventAsync(number, LicenceApprovalV1.DecisionEvent, approval.Event, Ct);

        var done = await Host.Client.WaitForInstanceCompletionAsync(number, getInputsAndOutputs: true, Ct);
        var result = done.ReadOutputAs<LicenceApprovalResult>()!;
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(ApplicationStatus.Licensed, result.Status);
        var view = await Queries.GetAsync(new Caller("admin-1", [Roles.Admin]), number, Ct);
        Assert.Equal(["Created", "Submitted", "Approve", "Approve", "CertificateIssued", "Licensed"], view.History.Select(h => h.Action));
        Assert.True((await Host.Services.GetRequiredService<CertificateService>().VerifyNumberAsync(result.CertificateNumber!, Ct)).Valid);
    }

    [Fact]
    public async Task An_undecided_review_is_reminded_and_escalated_by_durable_timers_and_the_approvers_finish_it()
    {
        var number = await SubmitAsync(ApplicationType.NursePractice, new()
        {
            ["name"] = "郑十一", ["qualificationNumber"] = "N2026000011", ["institutionName"] = "北京协和医院", ["practiceScope"] = "Nursing",
        });
        await Host.Client.ScheduleNewOrchestrationInstanceAsync(LicenceApprovalV1.Name, new LicenceApprovalInput(number, ApplicationType.NursePractice), new Microsoft.DurableTask.StartOrchestrationOptions(number), Ct);

        await WaitForStatusAsync(number, s => s.Contains("\"Escalated\":true", StringComparison.Ordinal) && s.Contains("\"Role\":\"approver\"", StringComparison.Ordinal), "the escalation");
        var review = await Decisions.DecideAsync(new Caller("approver-1", [Roles.Approver]), number, LicensingStep.Review, DecisionOutcome.Approve, null, "r1", Ct);
        await Host.Client.RaiseEventAsync(number, LicenceApprovalV1.DecisionEvent, review.Event, Ct);
        var approval = await Decisions.DecideAsync(new Caller("approver-2", [Roles.Approver]), number, LicensingStep.Approval, DecisionOutcome.Approve, null, "a1", Ct);
        await Host.Client.RaiseEventAsync(number, LicenceApprovalV1.DecisionEvent, approval.Event, Ct);

        var done = await Host.Client.WaitForInstanceCompletionAsync(number, getInputsAndOutputs: true, Ct);
        Assert.Equal(ApplicationStatus.Licensed, done.ReadOutputAs<LicenceApprovalResult>()!.Status);
        var view = await Queries.GetAsync(new Caller("admin-1", [Roles.Admin]), number, Ct);
        Assert.Equal(["Created", "Submitted", "Reminded", "EscalatedToApprover", "Approve", "Approve", "CertificateIssued", "Licensed"], view.History.Select(h => h.Action));
    }

    private async Task<string> SubmitAsync(ApplicationType type, Dictionary<string, string> fields)
    {
        var applicant = new Caller("applicant-1", [Roles.Citizen]);
        var draft = await Applicants.CreateAsync(applicant, type, fields, Ct);
        foreach (var kind in LicenceTypes.For(type).RequiredDocuments)
        {
            await Applicants.AttachAsync(applicant, draft.Number, kind, System.Text.Encoding.UTF8.GetBytes("%PDF-1.7 " + kind), "application/pdf", Ct);
        }

        await Applicants.SubmitAsync(applicant, draft.Number, LicenceApprovalV1.Name, Ct);
        return draft.Number;
    }

    private async Task WaitForStatusAsync(string number, Func<string, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var instance = await Host.Client.GetInstanceAsync(number, getInputsAndOutputs: true, Ct);
            if (instance?.SerializedCustomStatus is { } status && done(status))
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}: {instance?.RuntimeStatus} {instance?.SerializedCustomStatus} {instance?.FailureDetails}");
            }

            await Task.Delay(100, Ct);
        }
    }
}
