using System.Globalization;
using Lockstep.Serving.Logging;
using Shouldly;
using Xunit;

namespace Lockstep.Serving.Tests.Logging;

public sealed class TimestampFormatTests
{
    [Fact]
    public void A_timestamp_is_written_as_the_framework_writes_the_logs_custom_format()
    {
        var random = new Random(42);
        var samples = new List<DateTimeOffset>
        {
            DateTimeOffset.MinValue, DateTimeOffset.MaxValue, new(2026, 11, 24, 15, 15, 28, TimeSpan.Zero),
            new DateTimeOffset(1, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(9), new DateTimeOffset(999, 12, 31, 23, 59, 59, TimeSpan.Zero).AddTicks(9_999_999),
            new(2026, 3, 1, 1, 30, 0, TimeSpan.FromHours(5.5)),
        };
        for (var i = 0; i < 100_000; i++)
        {
            var ticks = random.NextInt64(TimeSpan.TicksPerDay, DateTime.MaxValue.Ticks - TimeSpan.TicksPerDay);
            samples.Add(new DateTimeOffset(ticks, TimeSpan.FromMinutes(random.Next(-14 * 60, (14 * 60) + 1))));
        }

        foreach (var at in samples)
        {
            PredictionLogReader.Format(at).ShouldBe(at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
        }
    }
}
