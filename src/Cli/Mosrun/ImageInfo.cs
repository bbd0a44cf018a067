using Mosix.Migrator.Images;

namespace Mosix.Cli.Mosrun;

/// <summary><c>mosrun -I FILE [--json]</c>: what a checkpoint image holds.</summary>
internal static class ImageInfo
{
    public static int Print(string path, bool json)
    {
        try
        {
            using var image = ImageReader.Open(path);
            using var stdout = new StreamWriter(Console.OpenStandardOutput());
            stdout.Write(json ? ImagePrinter.ToJson(image) : ImagePrinter.Describe(image));
            return 0;
        }
        catch (ImageException e)
        {
            return Fail.With(MosrunCommand.Name, e.Message, 1);
        }
    }
}
