using System.Globalization;

namespace Mosix.Cli.Cluster;

/// <summary>Numbers as people read them in mosmon and mosctl.</summary>
internal static class Units
{
    public static string Bytes(ulong bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return string.Format(CultureInfo.InvariantCulture, unit == 0 ? "{0:0} {1}" : "{0:0.0} {1}", value, units[unit]);
    }

    public static string Duration(TimeSpan span) => span.TotalSeconds switch
    {
        < 60 => string.Format(CultureInfo.InvariantCulture, "{0:0.#}s", span.TotalSeconds),
        < 3600 => $"{(int)span.TotalMinutes}m{span.Seconds:00}s",
        < 86400 => $"{(int)span.TotalHours}h{span.Minutes:00}m",
        _ => $"{(int)span.TotalDays}d{span.Hours:00}h",
    };

    public static string Number(double value, string format = "0.00") => value.ToString(format, CultureInfo.InvariantCulture);
}
