using HealthServerless.Core.Booking;
using HealthServerless.Core.Common;
using HealthServerless.Core.Notifications;

namespace HealthServerless.Core.Tests.Booking;

public sealed class VisitServiceTests : IAsyncLifetime
{
    private readonly CoreWorld _world = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _world.DisposeAsync();

    [Fact]
    public async Task Check_in_opens_an_hour_before_the_slot_and_scanning_twice_is_harmless()
    {
        await _world.PublishAsync();
        var code = await _world.RegisterAsync("alice", 1);
        _world.SetShanghaiTime(11, 24, 8, 0);
        var booking = await _world.Bookings.BookOnlineAsync(CoreWorld.Citizen("alice"), code, new BookSlot("H001", "d01-20261201-am", "s2"), Ct);

        _world.SetShanghaiTime(12, 1, 7, 59);
        await Assert.ThrowsAsync<DomainException>(() => _world.Visits.CheckInAsync(CoreWorld.Staff, "H001", code, Ct));
        _world.SetShanghaiTime(12, 1, 8, 0);
        var checkedIn = await _world.Visits.CheckInAsync(CoreWorld.Staff, "H001", code, Ct);
        var again = await _world.Visits.CheckInAsync(CoreWorld.Staff, "H001", code, Ct);

        Assert.Equal(booking.BookingId, checkedIn.BookingId);
        Assert.Equal(BookingStatus.CheckedIn, checkedIn.Status);
        Assert.Equal(BookingStatus.CheckedIn, again.Status);
        Assert.Equal(BookingStatus.CheckedIn, Assert.Single(await _world.Visits.ListSessionAsync(CoreWorld.Staff, "H001", "d01-20261201-am", Ct)).Status);
    }

    [Fact]
    public async Task Unchecked_bookings_become_no_shows_after_the_session_and_three_in_90_days_suspend_online_booking()
    {
        var code = await _world.RegisterAsync("alice", 1);
        var citizen = CoreWorld.Citizen("alice");
        string[] physicians = ["D01", "D02", "D03"];
        foreach (var physician in physicians)
        {
            await _world.PublishAsync(physician: physician);
        }

        _world.SetShanghaiTime(11, 24, 8, 0);
        foreach (var physician in physicians)
        {
            await _world.Bookings.BookOnlineAsync(citizen, code, new BookSlot("H001", $"{physician.ToLowerInvariant()}-20261201-am", "s1"), Ct);
        }

        _world.SetShanghaiTime(12, 1, 9, 59);
        Assert.Equal(0, await _world.Visits.MarkNoShowsAsync(Ct));
        _world.SetShanghaiTime(12, 1, 10, 5);
        Assert.Equal(3, await _world.Visits.MarkNoShowsAsync(Ct));
        Assert.Equal(0, await _world.Visits.MarkNoShowsAsync(Ct));

        Assert.All(await _world.Bookings.ListAsync(citizen, code, Ct), b => Assert.Equal(BookingStatus.NoShow, b.Status));
        _world.SetShanghaiTime(12, 2, 8, 0);
        await _world.Schedules.PublishAsync(CoreWorld.Staff, "H001", new PublishSession(
            "Cardiology", "D09", "李医生", new DateOnly(2026, 12, 5), "pm", [new PublishSlot(new TimeOnly(14, 0), new TimeOnly(15, 0), 5, 0)], 3000, 7, new TimeOnly(8, 0), 60, 0), Ct);
        var suspended = await Assert.ThrowsAsync<DomainException>(() => _world.Bookings.BookOnlineAsync(citizen, code, new BookSlot("H001", "d09-20261205-pm", "s1"), Ct));
        Assert.Equal("online-booking-suspended", suspended.Code);
    }

    [Fact]
    public async Task Reminders_are_due_the_evening_before_and_sent_once_even_when_delivered_twice()
    {
        await _world.PublishAsync();
        var code = await _world.RegisterAsync("alice", 1);
        _world.SetShanghaiTime(11, 24, 8, 0);
        await _world.Bookings.BookOnlineAsync(CoreWorld.Citizen("alice"), code, new BookSlot("H001", "d01-20261201-am", "s1"), Ct);
        _world.SetShanghaiTime(11, 30, 19, 59);
        Assert.Empty(await _world.Reminders.FindDueAsync(Ct));

        _world.SetShanghaiTime(11, 30, 20, 0);
        var due = Assert.Single(await _world.Reminders.FindDueAsync(Ct));
        var first = await _world.Reminders.SendAsync(due, Ct);
        var second = await _world.Reminders.SendAsync(due, Ct);

        Assert.Equal(ReminderService.EveningBefore, due.Moment);
        Assert.True(first);
        Assert.False(second);
        var sent = Assert.Single(_world.Notifications.Sent);
        Assert.Equal((NotificationTemplates.BookingReminderEveningBefore, NotificationRecipient.HealthCode(code)), (sent.Template, sent.Recipient));
        Assert.Empty(await _world.Reminders.FindDueAsync(Ct));
        _world.SetShanghaiTime(12, 1, 7, 0);
        Assert.Equal(ReminderService.HourBefore, Assert.Single(await _world.Reminders.FindDueAsync(Ct)).Moment);
    }
}
