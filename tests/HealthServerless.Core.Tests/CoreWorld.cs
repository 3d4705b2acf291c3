using System.Security.Cryptography;
using HealthServerless.Core.Booking;
using HealthServerless.Core.Common;
using HealthServerless.Core.Identity;
using HealthServerless.Core.Notifications;
using HealthServerless.Core.Storage;
using HealthServerless.Sqlite;
using HealthServerless.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace HealthServerless.Core.Tests;

/// <summary>Core's services on a SQLite file of their own, with time under the test's control.</summary>
public sealed class CoreWorld : IAsyncDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "hs-core-" + Guid.NewGuid().ToString("N"));

    public CoreWorld(BookingOptions? bookingOptions = null)
    {
        // 2026-12-01 is a Tuesday; tests start a week before, at 07:00 in Shanghai.
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 7, 0, 0, TimeSpan.FromHours(8)));
        Store = new SqliteDocumentStore(Path.Combine(_folder, "core.db"), CoreContainers.All);
        Keys = new IdentityKeyRing(RandomNumberGenerator.GetBytes(32), new Dictionary<string, byte[]> { ["k1"] = RandomNumberGenerator.GetBytes(32) }, "k1");
        var options = Options.Create(bookingOptions ?? new BookingOptions());
        Registration = new ResidentRegistration(Store, Keys, Time);
        Schedules = new ScheduleService(Store, Time);
        Bookings = new BookingService(Store, Schedules, Registration, options, Time, CancellationObservers);
        Visits = new VisitService(Store, Schedules, options, Time);
        Release = new SeatReleaseService(Store, Time);
        Notifications = new RecordingSender();
        Reminders = new ReminderService(Store, Notifications, options, Time);
    }

    public FakeTimeProvider Time { get; }

    public SqliteDocumentStore Store { get; }

    public IdentityKeyRing Keys { get; }

    public ResidentRegistration Registration { get; }

    public ScheduleService Schedules { get; }

    public BookingService Bookings { get; }

    /// <summary>Told of cancelled bookings; a world that bills bookings adds settlement's observer.</summary>
    public List<IBookingCancellationObserver> CancellationObservers { get; } = [];

    public VisitService Visits { get; }

    public SeatReleaseService Release { get; }

    public ReminderService Reminders { get; }

    public RecordingSender Notifications { get; }

    public static Caller Staff { get; } = new("staff-1", [Roles.Staff], institutionId: "H001");

    public static Caller Citizen(string subject) => new(subject, [Roles.Citizen]);

    public static DateOnly SessionDate { get; } = new(2026, 12, 1);

    /// <summary>Morning session: 08:00–09:00 and 09:00–10:00, each with the given capacity and on-site share.</summary>
    public Task<SessionView> PublishAsync(int capacity = 10, int onsite = 2, string physician = "D01", string period = "am") =>
        Schedules.PublishAsync(Staff, "H001", new PublishSession(
            "Cardiology", physician, "王医生", SessionDate, period,
            [new PublishSlot(new TimeOnly(8, 0), new TimeOnly(9, 0), capacity, onsite), new PublishSlot(new TimeOnly(9, 0), new TimeOnly(10, 0), capacity, onsite)],
            FeeFen: 5000, OpensDaysAhead: 7, OpensAt: new TimeOnly(8, 0), CancellationCutoffMinutes: 120, OnsiteReleaseMinutesBefore: 60));

    /// <summary>Registers a resident with a valid, generated ID number and returns their code id.</summary>
    public async Task<string> RegisterAsync(string subject, int serial)
    {
        var view = await Registration.RegisterAsync(Citizen(subject), new RegisterResident("居民" + serial, ResidentIds.Make(serial), "13800138000", Relationship.Self, null));
        return view.CodeId;
    }

    /// <summary>Moves the clock to an instant given in Shanghai time.</summary>
    public void SetShanghaiTime(int month, int day, int hour, int minute = 0) =>
        Time.SetUtcNow(new DateTimeOffset(2026, month, day, hour, minute, 0, TimeSpan.FromHours(8)));

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>Records what a use case sends, rendering it so a missing value fails the test; the real port is tested in Notifications/.</summary>
    public sealed class RecordingSender : INotificationSender
    {
        public System.Collections.Concurrent.ConcurrentQueue<NotificationMessage> Sent { get; } = new();

        public Task<string> SendAsync(NotificationMessage message, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(message);
            NotificationTemplates.Render(message.Template, message.Values);
            Sent.Enqueue(message);
            return Task.FromResult(NotificationCentre.NotificationId(message.Recipient, message.Key));
        }
    }
}
