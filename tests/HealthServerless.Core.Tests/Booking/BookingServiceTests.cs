using System.Collections.Concurrent;
using HealthServerless.Core.Booking;
using HealthServerless.Core.Common;
using HealthServerless.Core.Storage;

namespace HealthServerless.Core.Tests.Booking;

public sealed class BookingServiceTests : IAsyncLifetime
{
    private readonly CoreWorld _world = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _world.DisposeAsync();

    [Fact]
    public async Task A_booking_gets_a_visit_number_and_shows_in_the_residents_list()
    {
        await _world.PublishAsync();
        var code = await _world.RegisterAsync("alice", 1);
        _world.SetShanghaiTime(11, 24, 8, 0);

        var booking = await _world.Bookings.BookOnlineAsync(CoreWorld.Citizen("alice"), code, new BookSlot("H001", "d01-20261201-am", "s2"), Ct);

        Assert.InRange(booking.VisitNumber, 11, 18); // Slot 2 numbers from 11; its online seats are 1–8.
        Assert.Equal(BookingStatus.Booked, booking.Status);
        Assert.Equal(5000, booking.FeeFen);
        Assert.Equal(booking.BookingId, Assert.Single(await _world.Bookings.ListAsync(CoreWorld.Citizen("alice"), code, Ct)).BookingId);
    }

    [Fact]
    public async Task Booking_before_the_window_opens_or_after_the_slot_starts_is_refused()
    {
        await _world.PublishAsync();
        var code = await _world.RegisterAsync("alice", 1);
        var request = new BookSlot("H001", "d01-20261201-am", "s1");

        _world.SetShanghaiTime(11, 24, 7, 59);
        Assert.Equal("outside-booking-window", (await Assert.ThrowsAsync<DomainException>(() => _world.Bookings.BookOnlineAsync(CoreWorld.Citizen("alice"), code, request, Ct))).Code);
        _world.SetShanghaiTime(12, 1, 8, 0);
        Assert.Equal("outside-booking-window", (await Assert.ThrowsAsync<DomainException>(() => _world.Bookings.BookOnlineAsync(CoreWorld.Citizen("alice"), code, request, Ct))).Code);
    }

    [Fact]
    public async Task A_full_slot_refuses_the_next_booking_and_keeps_the_onsite_share()
    {
        await _world.PublishAsync(capacity: 3, onsite: 1);
        _world.SetShanghaiTime(11, 24, 8, 0);
        var request = new BookSlot("H001", "d01-20261201-am", "s1");
        for (var i = 0; i < 2; i++)
        {
            var code = await _world.RegisterAsync($"c{i}", i);
            await _world.Bookings.BookOnlineAsync(CoreWorld.Citizen($"c{i}"), code, request, Ct);
        }

        var late = await _world.RegisterAsync("late", 99);
        var refused = await Assert.ThrowsAsync<DomainException>(() => _world.Bookings.BookOnlineAsync(CoreWorld.Citizen("late"), late, request, Ct));

        Assert.Equal("slot-full", refused.Code);
        Assert.Equal(DomainErrorKind.Conflict, refused.Kind);
        var slot = (await _world.Schedules.SearchAsync("H001", null, null, CoreWorld.SessionDate, Ct)).Single().Slots[0];
        Assert.Equal(0, slot.OnlineAvailable);
        Assert.Equal(1, slot.OnsiteAvailable);
    }

    [Fact]
    public async Task A_refusal_is_returned_not_thrown_and_a_slot_known_full_is_refused_before_the_code_is_checked()
    {
        await _world.PublishAsync(capacity: 2, onsite: 1);
        _world.SetShanghaiTime(11, 24, 8, 0);
        var request = new BookSlot("H001", "d01-20261201-am", "s1");
        var first = await _world.RegisterAsync("first", 1);
        var booked = await _world.Bookings.TryBookOnlineAsync(CoreWorld.Citizen("first"), first, request, Ct);
        var second = await _world.RegisterAsync("second", 2);

        // The one that finds no seat leaves the "full" hint; the next is refused from it.
        var noSeat = await _world.Bookings.TryBookOnlineAsync(CoreWorld.Citizen("second"), second, request, Ct);
        var known = await _world.Bookings.TryBookOnlineAsync(CoreWorld.Citizen("second"), second, request, Ct);
        // Public knowledge only: a stranger to the code learns that the slot is full, as the schedule shows.
        var stranger = await _world.Bookings.TryBookOnlineAsync(CoreWorld.Citizen("stranger"), second, request, Ct);

        Assert.NotNull(booked.Booked);
        Assert.Null(booked.Refusal);
        Assert.All([noSeat, known, stranger], attempt =>
        {
            Assert.Null(attempt.Booked);
            Assert.Equal("slot-full", attempt.Refusal!.Code);
        });
        var slot = (await _world.Schedules.SearchAsync("H001", null, null, CoreWorld.SessionDate, Ct)).Single().Slots[0];
        Assert.Equal(1, slot.OnsiteAvailable);
    }

    [Fact]
    public async Task One_person_gets_one_booking_per_physician_per_day()
    {
        await _world.PublishAsync();
        var code = await _world.RegisterAsync("alice", 1);
        _world.SetShanghaiTime(11, 24, 8, 0);
        await _world.Bookings.BookOnlineAsync(CoreWorld.Citizen("alice"), code, new BookSlot("H001", "d01-20261201-am", "s1"), Ct);

        var second = await Assert.ThrowsAsync<DomainException>(() =>
            _world.Bookings.BookOnlineAsync(CoreWorld.Citizen("alice"), code, new BookSlot("H001", "d01-20261201-am", "s2"), Ct));

        Assert.Equal("already-booked", second.Code);
    }

    [Fact]
    public async Task An_institution_can_lift_the_one_booking_per_physician_per_day_rule_for_itself()
    {
        await using var world = new CoreWorld(new BookingOptions { Institutions = { ["H001"] = new InstitutionBookingRules { OneBookingPerPhysicianPerDay = false } } });
        await world.PublishAsync();
        var code = await world.RegisterAsync("alice", 1);
        world.SetShanghaiTime(11, 24, 8, 0);

        var first = await world.Bookings.BookOnlineAsync(CoreWorld.Citizen("alice"), code, new BookSlot("H001", "d01-20261201-am", "s1"), Ct);
        var second = await world.Bookings.BookOnlineAsync(CoreWorld.Citizen("alice"), code, new BookSlot("H001", "d01-20261201-am", "s2"), Ct);
        var sameSlot = await Assert.ThrowsAsync<DomainException>(() => world.Bookings.BookOnlineAsync(CoreWorld.Citizen("alice"), code, new BookSlot("H001", "d01-20261201-am", "s1"), Ct));

        Assert.NotEqual(first.BookingId, second.BookingId);
        Assert.Equal("already-booked", sameSlot.Code);
        Assert.True(new BookingOptions().RulesFor("H001").OneBookingPerPhysicianPerDay);
    }

    [Fact]
    public async Task Two_hundred_concurrent_residents_fill_exactly_the_online_seats_and_no_seat_twice()
    {
        await _world.PublishAsync(capacity: 12, onsite: 2);
        _world.SetShanghaiTime(11, 24, 8, 0);
        var codes = new List<(string Subject, string Code)>();
        for (var i = 0; i < 200; i++)
        {
            codes.Add(($"c{i}", await _world.RegisterAsync($"c{i}", i)));
        }

        var outcomes = new ConcurrentBag<string>();
        await Task.WhenAll(codes.Select(c => Task.Run(async () =>
        {
            try
            {
                var booking = await _world.Bookings.BookOnlineAsync(CoreWorld.Citizen(c.Subject), c.Code, new BookSlot("H001", "d01-20261201-am", "s1"), Ct);
                outcomes.Add("booked:" + booking.VisitNumber);
            }
            catch (DomainException e)
            {
                outcomes.Add(e.Code);
            }
        }, Ct)));

        var booked = outcomes.Where(o => o.StartsWith("booked:", StringComparison.Ordinal)).ToList();
        Assert.Equal(10, booked.Count);
        Assert.Equal(10, booked.Distinct().Count());
        Assert.Equal(190, outcomes.Count(o => o == "slot-full"));
        var seats = await _world.Store.QueryAsync<SeatRecord>(BookingContainers.Seats, "d01-20261201-am:s1", PartitionQuery.All, Ct);
        Assert.Equal(10, seats.Count);
        Assert.Equal(10, seats.Select(s => s.Value.CodeId).Distinct().Count());
        Assert.All(seats, s => Assert.InRange(s.Value.SeatNumber, 1, 10));
    }

    [Fact]
    public async Task The_same_resident_booking_from_two_devices_at_once_gets_one_booking()
    {
        await _world.PublishAsync();
        var code = await _world.RegisterAsync("alice", 1);
        _world.SetShanghaiTime(11, 24, 8, 0);

        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            try
            {
                return (await _world.Bookings.BookOnlineAsync(CoreWorld.Citizen("alice"), code, new BookSlot("H001", "d01-20261201-am", "s1"), Ct)).BookingId;
            }
            catch (DomainException e) when (e.Code == "already-booked")
            {
                return null;
            }
        }, Ct)));

        Assert.Single(attempts, a => a is not null);
        Assert.Single(await _world.Bookings.ListAsync(CoreWorld.Citizen("alice"), code, Ct));
        Assert.Single(await _world.Store.QueryAsync(BookingContainers.Seats, "d01-20261201-am:s1", PartitionQuery.All, Ct));
    }

    [Fact]
    public async Task Cancelling_frees_the_seat_cancelling_twice_is_harmless_and_the_cut_off_holds()
    {
        await _world.PublishAsync(capacity: 2, onsite: 1);
        var alice = await _world.RegisterAsync("alice", 1);
        var bob = await _world.RegisterAsync("bob", 2);
        _world.SetShanghaiTime(11, 24, 8, 0);
        var request = new BookSlot("H001", "d01-20261201-am", "s1");
        var booking = await _world.Bookings.BookOnlineAsync(CoreWorld.Citizen("alice"), alice, request, Ct);

        var cancelled = await _world.Bookings.CancelAsync(CoreWorld.Citizen("alice"), alice, booking.BookingId, Ct);
        var again = await _world.Bookings.CancelAsync(CoreWorld.Citizen("alice"), alice, booking.BookingId, Ct);
        var bobs = await _world.Bookings.BookOnlineAsync(CoreWorld.Citizen("bob"), bob, request, Ct);

        Assert.Equal(BookingStatus.Cancelled, cancelled.Status);
        Assert.Equal(BookingStatus.Cancelled, again.Status);
        Assert.Equal(BookingStatus.Booked, bobs.Status);
        _world.SetShanghaiTime(12, 1, 6, 30); // Cut-off is two hours before 08:00.
        Assert.Equal("cancellation-closed", (await Assert.ThrowsAsync<DomainException>(() => _world.Bookings.CancelAsync(CoreWorld.Citizen("bob"), bob, bobs.BookingId, Ct))).Code);
    }

    [Fact]
    public async Task A_cancelled_booking_lets_the_same_person_book_that_physician_again()
    {
        await _world.PublishAsync();
        var alice = await _world.RegisterAsync("alice", 1);
        _world.SetShanghaiTime(11, 24, 8, 0);
        var first = await _world.Bookings.BookOnlineAsync(CoreWorld.Citizen("alice"), alice, new BookSlot("H001", "d01-20261201-am", "s1"), Ct);
        await _world.Bookings.CancelAsync(CoreWorld.Citizen("alice"), alice, first.BookingId, Ct);

        var second = await _world.Bookings.BookOnlineAsync(CoreWorld.Citizen("alice"), alice, new BookSlot("H001", "d01-20261201-am", "s2"), Ct);

        Assert.Equal(BookingStatus.Booked, second.Status);
    }

    [Fact]
    public async Task Onsite_seats_go_to_walk_ins_until_released_then_online_and_the_release_is_audited()
    {
        await _world.PublishAsync(capacity: 2, onsite: 1);
        var alice = await _world.RegisterAsync("alice", 1);
        var bob = await _world.RegisterAsync("bob", 2);
        var walkIn = await _world.RegisterAsync("carol", 3);
        _world.SetShanghaiTime(11, 24, 8, 0);
        await _world.Bookings.BookOnlineAsync(CoreWorld.Citizen("alice"), alice, new BookSlot("H001", "d01-20261201-am", "s1"), Ct);
        await Assert.ThrowsAsync<DomainException>(() => _world.Bookings.BookOnlineAsync(CoreWorld.Citizen("bob"), bob, new BookSlot("H001", "d01-20261201-am", "s1"), Ct));

        _world.SetShanghaiTime(12, 1, 7, 0); // Release is an hour before the first slot.
        Assert.Equal(1, await _world.Release.ReleaseDueAsync(Ct));
        Assert.Equal(0, await _world.Release.ReleaseDueAsync(Ct));
        var bobs = await _world.Bookings.BookOnlineAsync(CoreWorld.Citizen("bob"), bob, new BookSlot("H001", "d01-20261201-am", "s1"), Ct);
        var staffs = await _world.Bookings.BookOnsiteAsync(CoreWorld.Staff, walkIn, new BookSlot("H001", "d01-20261201-am", "s2"), Ct);

        Assert.Equal(2, bobs.VisitNumber);
        Assert.Equal(BookingChannel.Onsite, staffs.Channel);
        Assert.Equal(4, staffs.VisitNumber);
        var audit = await _world.Store.QueryAsync<AuditRecord>(SharedContainers.Audit, "H001", PartitionQuery.All, Ct);
        Assert.Equal("onsite-seats-released", Assert.Single(audit).Value.Action);
    }

    [Fact]
    public async Task Staff_of_another_institution_cannot_book_walk_ins_here()
    {
        await _world.PublishAsync();
        var code = await _world.RegisterAsync("alice", 1);
        var otherStaff = new Caller("staff-2", [Roles.Staff], institutionId: "H002");

        var refused = await Assert.ThrowsAsync<DomainException>(() => _world.Bookings.BookOnsiteAsync(otherStaff, code, new BookSlot("H001", "d01-20261201-am", "s1"), Ct));

        Assert.Equal(DomainErrorKind.Forbidden, refused.Kind);
    }

    [Fact]
    public async Task Booking_listing_and_cancelling_need_a_code_the_caller_acts_for()
    {
        await _world.PublishAsync();
        var alice = await _world.RegisterAsync("alice", 1);
        _world.SetShanghaiTime(11, 24, 8, 0);
        var booking = await _world.Bookings.BookOnlineAsync(CoreWorld.Citizen("alice"), alice, new BookSlot("H001", "d01-20261201-am", "s1"), Ct);
        var mallory = CoreWorld.Citizen("mallory");

        var book = await Assert.ThrowsAsync<DomainException>(() => _world.Bookings.BookOnlineAsync(mallory, alice, new BookSlot("H001", "d01-20261201-am", "s2"), Ct));
        var list = await Assert.ThrowsAsync<DomainException>(() => _world.Bookings.ListAsync(mallory, alice, Ct));
        var cancel = await Assert.ThrowsAsync<DomainException>(() => _world.Bookings.CancelAsync(mallory, alice, booking.BookingId, Ct));

        Assert.All([book, list, cancel], e => Assert.Equal((DomainErrorKind.Forbidden, "code-not-yours"), (e.Kind, e.Code)));
        Assert.Equal(BookingStatus.Booked, Assert.Single(await _world.Bookings.ListAsync(CoreWorld.Citizen("alice"), alice, Ct)).Status);
    }
}
