using System.Diagnostics.Metrics;
using System.Text.Json;
using HealthServerless.Core.Common;
using HealthServerless.Core.Events;
using HealthServerless.Core.Identity;
using HealthServerless.Core.Notifications;
using HealthServerless.Core.Storage;
using HealthServerless.Testing;
using HealthServerless.Core.Telemetry;

namespace HealthServerless.Core.Tests.Notifications;

/// <summary>The real notification port on a SQLite file: inbox entries, the event, retries and the message centre.</summary>
public sealed class NotificationCentreTests : IAsyncDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly CoreWorld _world = new();
    private readonly RecordingPublisher _events = new();
    private readonly NotificationCentre _centre;
    private readonly NotificationInbox _inbox;

    public NotificationCentreTests()
    {
        _centre = new NotificationCentre(_world.Store, _events, [], _world.Time);
        _inbox = new NotificationInbox(_world.Store, _world.Time);
    }

    [Fact]
    public async Task A_reminder_for_a_childs_health_code_reaches_the_parents_inbox_and_leaves_as_one_event()
    {
        await _world.RegisterAsync("alice", 1);
        var child = await _world.Registration.RegisterAsync(CoreWorld.Citizen("alice"), new RegisterResident("小明", ResidentIds.Make(2), "13800138001", Relationship.Child, null), Ct);

        var id = await _centre.SendAsync(Reminder(child.CodeId, "b1"), Ct);

        var page = await _inbox.ListAsync(CoreWorld.Citizen("alice"), before: null, limit: null, Ct);
        var entry = Assert.Single(page.Items);
        Assert.Equal(id, entry.Id);
        Assert.Equal("就诊提醒", entry.Title);
        Assert.Equal("您预约的心内科号源将于明天（2026-12-01）08:00开始，就诊序号3。请携带有效证件按时到院签到。", entry.Body);
        Assert.Equal(1, page.Unread);
        var (topic, published, properties) = Assert.Single(_events.Published);
        Assert.Equal(EventTopics.Notifications, topic);
        Assert.Equal((id, NotificationCentre.EventType), (published.Id, published.Type));
        Assert.Equal("healthcode", properties!["recipientkind"]);
        var data = published.Data.Deserialize<NotificationCreated>(TypedDocuments.Json)!;
        Assert.Equal(NotificationRecipient.HealthCode(child.CodeId), data.Recipient);
        Assert.Equal(entry.Body, data.Body);
        var json = published.Data.GetRawText();
        Assert.DoesNotContain("小明", json, StringComparison.Ordinal);
        Assert.DoesNotContain(ResidentIds.Make(2), json, StringComparison.Ordinal);
        Assert.DoesNotContain("13800138001", json, StringComparison.Ordinal);
        Assert.Empty((await _inbox.ListAsync(CoreWorld.Citizen("bob"), null, null, Ct)).Items);
    }

    [Fact]
    public async Task Sending_the_same_message_again_keeps_one_inbox_entry_and_one_event()
    {
        var code = await _world.RegisterAsync("alice", 1);

        var first = await _centre.SendAsync(Reminder(code, "b1"), Ct);
        _world.Time.Advance(TimeSpan.FromMinutes(5));
        var again = await _centre.SendAsync(Reminder(code, "b1"), Ct);

        Assert.Equal(first, again);
        Assert.Single((await _inbox.ListAsync(CoreWorld.Citizen("alice"), null, null, Ct)).Items);
        Assert.Single(_events.Published);
    }

    [Fact]
    public async Task A_failed_publish_leaves_the_entry_unpublished_and_the_retry_publishes_it_once()
    {
        var code = await _world.RegisterAsync("alice", 1);
        _events.FailNext = 1;

        await Assert.ThrowsAsync<InvalidOperationException>(() => _centre.SendAsync(Reminder(code, "b1"), Ct));
        var id = Assert.Single((await _inbox.ListAsync(CoreWorld.Citizen("alice"), null, null, Ct)).Items).Id;
        var stored = await _world.Store.ReadAsync<NotificationRecord>(NotificationContainers.Inbox, NotificationContainers.SubjectInbox("alice"), id, Ct);
        Assert.False(stored!.Value.Published);
        Assert.Empty(_events.Published);

        await _centre.SendAsync(Reminder(code, "b1"), Ct);
        await _centre.SendAsync(Reminder(code, "b1"), Ct);

        Assert.Equal(id, Assert.Single(_events.Published).Event.Id);
        stored = await _world.Store.ReadAsync<NotificationRecord>(NotificationContainers.Inbox, NotificationContainers.SubjectInbox("alice"), id, Ct);
        Assert.True(stored!.Value.Published);
    }

    [Fact]
    public async Task The_message_centre_pages_newest_first_and_marks_read_once()
    {
        for (var i = 0; i < 25; i++)
        {
            await _centre.SendAsync(Decided($"L{i:D3}"), Ct);
            _world.Time.Advance(TimeSpan.FromMinutes(1));
        }

        var citizen = CoreWorld.Citizen("alice");
        var first = await _inbox.ListAsync(citizen, null, 10, Ct);
        var second = await _inbox.ListAsync(citizen, first.Next, 10, Ct);
        var third = await _inbox.ListAsync(citizen, second.Next, 10, Ct);
        var read = await _inbox.MarkReadAsync(citizen, first.Items[0].Id, Ct);
        _world.Time.Advance(TimeSpan.FromMinutes(1));
        var readAgain = await _inbox.MarkReadAsync(citizen, first.Items[0].Id, Ct);
        var stranger = await Assert.ThrowsAsync<DomainException>(() => _inbox.MarkReadAsync(CoreWorld.Citizen("bob"), first.Items[0].Id, Ct));
        var bad = await Assert.ThrowsAsync<DomainException>(() => _inbox.ListAsync(citizen, "not-a-cursor", 10, Ct));

        var all = first.Items.Concat(second.Items).Concat(third.Items).ToList();
        Assert.Equal([10, 10, 5], new[] { first.Items.Count, second.Items.Count, third.Items.Count });
        Assert.Null(third.Next);
        Assert.Equal(25, all.Select(n => n.Id).Distinct().Count());
        Assert.Equal(all.OrderByDescending(n => n.CreatedAt).Select(n => n.Id), all.Select(n => n.Id));
        Assert.Contains("L024", all[0].Body, StringComparison.Ordinal);
        Assert.Equal(25, first.Unread);
        Assert.True(read.Read);
        Assert.Equal(read.ReadAt, readAgain.ReadAt);
        Assert.Equal(24, (await _inbox.ListAsync(citizen, null, 1, Ct)).Unread);
        Assert.Equal(DomainErrorKind.NotFound, stranger.Kind);
        Assert.Equal(DomainErrorKind.Validation, bad.Kind);
        await Assert.ThrowsAsync<DomainException>(() => _inbox.ListAsync(citizen, null, NotificationInbox.MaxLimit + 1, Ct));
    }

    [Fact]
    public async Task Work_for_a_role_is_in_the_shared_inbox_of_every_holder_of_the_role()
    {
        await _centre.SendAsync(new NotificationMessage(NotificationRecipient.Role(Roles.Reviewer), NotificationTemplates.LicenceStepReminder, "licence-step:L1:1:reminder",
            new Dictionary<string, string> { ["number"] = "L1", ["step"] = "Review", ["dueAt"] = "2026-12-08 17:00" }), Ct);

        var reviewer = await _inbox.ListAsync(new Caller("rev-1", [Roles.Reviewer]), null, null, Ct);
        var otherReviewer = await _inbox.ListAsync(new Caller("rev-2", [Roles.Reviewer]), null, null, Ct);
        var citizen = await _inbox.ListAsync(CoreWorld.Citizen("rev-3"), null, null, Ct);

        var entry = Assert.Single(reviewer.Items);
        Assert.Equal(Roles.Reviewer, entry.ForRole);
        Assert.Equal("执业许可申请L1正在等待材料审查，办理时限至2026-12-08 17:00，请及时处理。", entry.Body);
        Assert.Equal(entry.Id, Assert.Single(otherReviewer.Items).Id);
        Assert.Empty(citizen.Items);
        Assert.Equal("role", Assert.Single(_events.Published).Properties!["recipientkind"]);
    }

    [Fact]
    public async Task Each_event_handed_over_counts_as_delivered_on_the_HealthServerless_meter()
    {
        var delivered = 0L;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == CoreMetrics.MeterName && instrument.Name == "healthserverless.notifications.delivered")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "channel", Value: "event" })
                {
                    Interlocked.Add(ref delivered, value);
                }
            }
        });
        listener.Start();

        await _centre.SendAsync(Decided("L900"), Ct);

        Assert.True(Interlocked.Read(ref delivered) >= 1);
    }

    public async ValueTask DisposeAsync() => await _world.DisposeAsync();

    private static NotificationMessage Reminder(string codeId, string bookingId) => new(
        NotificationRecipient.HealthCode(codeId), NotificationTemplates.BookingReminderEveningBefore, $"booking-reminder:{bookingId}:evening-before",
        new Dictionary<string, string> { ["department"] = "心内科", ["date"] = "2026-12-01", ["time"] = "08:00", ["visitNumber"] = "3" });

    private static NotificationMessage Decided(string number) => new(
        NotificationRecipient.Subject("alice"), NotificationTemplates.LicenceLicensed, $"licence-decided:{number}",
        new Dictionary<string, string> { ["number"] = number, ["certificateNumber"] = "C-" + number });

    /// <summary>The event port as a list; fails the next <see cref="FailNext"/> publishes.</summary>
    private sealed class RecordingPublisher : IEventPublisher
    {
        public int FailNext { get; set; }

        public List<(string Topic, CloudEvent Event, IReadOnlyDictionary<string, string>? Properties)> Published { get; } = [];

        public Task PublishAsync(string topic, CloudEvent cloudEvent, string? sessionId = null, IReadOnlyDictionary<string, string>? properties = null, CancellationToken cancellationToken = default)
        {
            EventPublishing.Validate(topic, cloudEvent, sessionId, properties);
            if (FailNext > 0)
            {
                FailNext--;
                throw new InvalidOperationException("The event port is down.");
            }

            lock (Published)
            {
                Published.Add((topic, cloudEvent, properties));
            }

            return Task.CompletedTask;
        }
    }
}
