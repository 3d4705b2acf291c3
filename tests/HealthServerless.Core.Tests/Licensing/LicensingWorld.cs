using HealthServerless.Testing;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using HealthServerless.Core.Common;
using HealthServerless.Core.Licensing;
using HealthServerless.Core.Storage;
using HealthServerless.Sqlite;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace HealthServerless.Core.Tests.Licensing;

/// <summary>Licensing's services on a SQLite file of their own, blobs in memory, time under the test's control.</summary>
public sealed class LicensingWorld : IAsyncDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "hs-lic-" + Guid.NewGuid().ToString("N"));

    public LicensingWorld(LicensingOptions? options = null)
    {
        // Tuesday 2026-11-24, 09:00 in Shanghai.
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.FromHours(8)));
        Store = new SqliteDocumentStore(Path.Combine(_folder, "lic.db"), CoreContainers.All);
        Options = Microsoft.Extensions.Options.Options.Create(options ?? new LicensingOptions());
        Calendar = new WorkingDayCalendar(Microsoft.Extensions.Options.Options.Create(new BusinessCalendarOptions()));
        var applications = new ApplicationRecords(Store, Time);
        var guards = new LicenceGuards(Store, applications, Time);
        Applicants = new ApplicantCommands(Store, applications, guards, Blobs, Options, Time);
        Decisions = new OfficialDecisions(applications);
        Steps = new ApprovalSteps(applications, guards, Blobs, Calendar, Notifications, Options, Time);
        Queries = new ApplicationQueries(Store, applications);
        Signer = new CertificateSigner(new Dictionary<string, ECDsa> { ["k1"] = ECDsa.Create(ECCurve.NamedCurves.nistP256) }, "k1");
        Certificates = new CertificateService(Store, Blobs, Signer, applications, Options, Time);
        Registry = new PublicRegistry(Store);
        StatusChanges = new CertificateStatusChanges(Certificates, Registry);
    }

    public FakeTimeProvider Time { get; }

    public SqliteDocumentStore Store { get; }

    public IOptions<LicensingOptions> Options { get; }

    public WorkingDayCalendar Calendar { get; }

    public MemoryBlobs Blobs { get; } = new();

    public CoreWorld.RecordingSender Notifications { get; } = new();

    public ApplicantCommands Applicants { get; }

    public OfficialDecisions Decisions { get; }

    public ApprovalSteps Steps { get; }

    public ApplicationQueries Queries { get; }

    public CertificateSigner Signer { get; }

    public CertificateService Certificates { get; }

    public PublicRegistry Registry { get; }

    public CertificateStatusChanges StatusChanges { get; }

    public static Caller Applicant { get; } = new("doctor-1", [Roles.Citizen], residentCodeId: "hc_doctor1");

    public static Caller Staff { get; } = new("staff-1", [Roles.Staff], institutionId: "H001");

    public static Caller Reviewer { get; } = new("reviewer-1", [Roles.Reviewer]);

    public static Caller Reviewer2 { get; } = new("reviewer-2", [Roles.Reviewer]);

    public static Caller Approver { get; } = new("approver-1", [Roles.Approver]);

    public static Caller Approver2 { get; } = new("approver-2", [Roles.Approver]);

    public static Caller Admin { get; } = new("admin-1", [Roles.Admin]);

    public static Dictionary<string, string> PhysicianFields(string name = "张三", string qualification = "Q110000001") => new()
    {
        ["name"] = name,
        ["qualificationNumber"] = qualification,
        ["practiceCategory"] = "Clinical",
        ["practiceScope"] = "Internal medicine",
        ["institutionName"] = "北京协和医院",
    };

    public static Dictionary<string, string> InstitutionFields(string name = "阳光社区诊所") => new()
    {
        ["institutionName"] = name,
        ["institutionKind"] = "Clinic",
        ["creditCode"] = "91110000MA0000001X",
        ["address"] = "北京市东城区一号",
        ["legalRepresentative"] = "李四",
        ["departments"] = "General practice",
        ["beds"] = "0",
    };

    /// <summary>A physician application with every document attached, submitted.</summary>
    public async Task<ApplicationView> SubmittedPhysicianAsync(Caller? applicant = null, Dictionary<string, string>? fields = null)
    {
        applicant ??= Applicant;
        var draft = await Applicants.CreateAsync(applicant, ApplicationType.PhysicianPractice, fields ?? PhysicianFields());
        await AttachAllAsync(applicant, draft.Number, LicenceTypes.PhysicianPractice);
        return await Applicants.SubmitAsync(applicant, draft.Number, "LicenceApprovalV1");
    }

    public async Task AttachAllAsync(Caller applicant, string number, ApplicationTypeRule rule)
    {
        foreach (var kind in rule.RequiredDocuments)
        {
            await Applicants.AttachAsync(applicant, number, kind, Pdf(kind), "application/pdf");
        }
    }

    public static byte[] Pdf(string text) => System.Text.Encoding.UTF8.GetBytes("%PDF-1.7\n" + text + "\n%%EOF");

    public Task<DecisionResult> DecideAsync(Caller caller, string number, LicensingStep step, DecisionOutcome outcome, string? reason = null, string? id = null) =>
        Decisions.DecideAsync(caller, number, step, outcome, reason, id ?? Guid.NewGuid().ToString("N"));

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>An in-memory <see cref="IDocumentBlobs"/> with the same create-only rule as Blob Storage.</summary>
    public sealed class MemoryBlobs : IDocumentBlobs
    {
        public ConcurrentDictionary<string, BlobContent> Items { get; } = new();

        public Task<BlobWriteOutcome> CreateAsync(string container, string name, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken = default) =>
            Task.FromResult(Items.TryAdd(container + "/" + name, new BlobContent(content.ToArray(), contentType)) ? BlobWriteOutcome.Created : BlobWriteOutcome.Exists);

        public Task<BlobContent?> ReadAsync(string container, string name, CancellationToken cancellationToken = default) =>
            Task.FromResult(Items.TryGetValue(container + "/" + name, out var blob) ? blob : null);
    }
}
