using System.Collections.Concurrent;
using System.Security.Cryptography;
using HealthServerless.Core.Booking;
using HealthServerless.Core.Common;
using HealthServerless.Core.Identity;
using HealthServerless.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace HealthServerless.Azure.Tests.Cosmos;

/// <summary>
/// Identity and booking on the Cosmos adapter (the local Cosmos test server): the same
/// single-document invariants as on SQLite — one code per person, never an overbooked slot.
/// </summary>
public sealed class CosmosBookingTests(CosmosTestServerFixture fixture) : IClassFixture<CosmosTestServerFixture>
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.FromHours(8)));
    private readonly string _institution = "H" + Guid.NewGuid().ToString("N")[..6];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Fifty_concurrent_residents_get_exactly_the_ten_online_seats()
    {
        var (registration, schedules, bookings) = Services();
        var staff = new Caller("staff", [Roles.Staff], institutionId: _institution);
        await schedules.PublishAsync(staff, _institution, new PublishSession(
            "Cardiology", "D01", "王医生", new DateOnly(2026, 12, 1), "am", [new PublishSlot(new TimeOnly(8, 0), new TimeOnly(9, 0), 12, 2)],
            5000, 7, new TimeOnly(8, 0), 120, 60), Ct);
        var codes = new List<(Caller Caller, string Code)>();
        for (var i = 0; i < 50; i++)
        {
            var caller = new Caller($"c{i}", [Roles.Citizen]);
            codes.Add((caller, (await registration.RegisterAsync(caller, new RegisterResident("居民", ResidentIds.Make(5000 + i), "13800138000", Relationship.Self, null), Ct)).CodeId));
        }

        var outcomes = new ConcurrentBag<string>();
        await Task.WhenAll(codes.Select(c => Task.Run(async () =>
        {
            try
            {
                outcomes.Add("booked:" + (await bookings.BookOnlineAsync(c.Caller, c.Code, new BookSlot(_institution, "d01-20261201-am", "s1"), Ct)).VisitNumber);
            }
            catch (DomainException e)
            {
                outcomes.Add(e.Code);
            }
        }, Ct)));

        Assert.Equal(10, outcomes.Count(o => o.StartsWith("booked:", StringComparison.Ordinal)));
        Assert.Equal(10, outcomes.Where(o => o.StartsWith("booked:", StringComparison.Ordinal)).Distinct().Count());
        Assert.Equal(40, outcomes.Count(o => o == "slot-full"));
        var session = Assert.Single(await schedules.SearchAsync(_institution, null, "D01", null, Ct));
        Assert.Equal(0, session.Slots[0].OnlineAvailable);
    }

    [Fact]
    public async Task One_person_registered_ten_times_at_once_has_one_code_and_a_cancelled_seat_is_free_again()
    {
        var (registration, schedules, bookings) = Services();
        var alice = new Caller("alice-" + _institution, [Roles.Citizen]);
        var request = new RegisterResident("张三", ResidentIds.Make(7777), "13800138000", Relationship.Self, null);

        var views = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => registration.RegisterAsync(alice, request, Ct), Ct)));

        var code = Assert.Single(views.Select(v => v.CodeId).Distinct());
        var staff = new Caller("staff", [Roles.Staff], institutionId: _institution);
        await schedules.PublishAsync(staff, _institution, new PublishSession(
            "Cardiology", "D02", "李医生", new DateOnly(2026, 12, 1), "pm", [new PublishSlot(new TimeOnly(14, 0), new TimeOnly(15, 0), 1, 0)],
            3000, 7, new TimeOnly(8, 0), 60, 0), Ct);
        var booked = await bookings.BookOnlineAsync(alice, code!, new BookSlot(_institution, "d02-20261201-pm", "s1"), Ct);
        await bookings.CancelAsync(alice, code!, booked.BookingId, Ct);
        var again = await bookings.BookOnlineAsync(alice, code!, new BookSlot(_institution, "d02-20261201-pm", "s1"), Ct);

        Assert.Equal(1, again.VisitNumber);
        Assert.Equal([BookingStatus.Booked, BookingStatus.Cancelled], (await bookings.ListAsync(alice, code!, Ct)).Select(b => b.Status).Order());
    }

    private (ResidentRegistration Registration, ScheduleService Schedules, BookingService Bookings) Services()
    {
        var keys = new IdentityKeyRing(RandomNumberGenerator.GetBytes(32), new Dictionary<string, byte[]> { ["k1"] = RandomNumberGenerator.GetBytes(32) }, "k1");
        var schedules = new ScheduleService(fixture.Store, _time);
        var registration = new ResidentRegistration(fixture.Store, keys, _time);
        return (registration, schedules, new BookingService(fixture.Store, schedules, registration, Options.Create(new BookingOptions()), _time));
    }
}
