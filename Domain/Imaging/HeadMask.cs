using MedCrypt.Crypto.Images;

namespace MedCrypt.Domain.Imaging;

/// <summary>
/// Which pixels belong to the head: those brighter than a threshold between background and tissue (Otsu's),
/// kept only where they join the largest connected region, so burnt-in text, rulers and markers in the corners drop out.
/// </summary>
internal static class HeadMask
{
    public static bool[] Find(PixelImage slice)
    {
        ReadOnlySpan<byte> pixels = slice.Pixels;
        int threshold = OtsuThreshold(pixels);
        var foreground = new bool[pixels.Length];
        for (int i = 0; i < pixels.Length; i++)
        {
            foreground[i] = pixels[i] > threshold;
        }

        return LargestComponent(foreground, slice.Width, slice.Height);
    }

    private static int OtsuThreshold(ReadOnlySpan<byte> pixels)
    {
        var histogram = new long[256];
        foreach (byte v in pixels)
        {
            histogram[v]++;
        }

        long total = pixels.Length;
        double sumAll = 0;
        for (int v = 0; v < 256; v++)
        {
            sumAll += v * (double)histogram[v];
        }

        double sumBelow = 0, best = -1;
        long below = 0;
        int threshold = 0;
        for (int t = 0; t < 255; t++)
        {
            below += histogram[t];
            sumBelow += t * (double)histogram[t];
            long above = total - below;
            if (below == 0 || above == 0)
            {
                continue;
            }

            double meanBelow = sumBelow / below;
            double meanAbove = (sumAll - sumBelow) / above;
            double between = (double)below * above * (meanBelow - meanAbove) * (meanBelow - meanAbove);
            if (between > best)
            {
                best = between;
                threshold = t;
            }
        }

        // Dark T1 slices put Otsu's split inside the brain; the head's outline is found at a lower level, so cap it.
        return Math.Min(threshold, 40);
    }

    /// <summary>The largest 4-connected region of the mask (breadth-first; no recursion, no per-pixel allocation).</summary>
    private static bool[] LargestComponent(bool[] mask, int width, int height)
    {
        var label = new int[mask.Length];
        var queue = new int[mask.Length];
        int bestLabel = 0, bestSize = 0, next = 0;
        for (int start = 0; start < mask.Length; start++)
        {
            if (!mask[start] || label[start] != 0)
            {
                continue;
            }

            next++;
            int head = 0, tail = 0, size = 0;
            queue[tail++] = start;
            label[start] = next;
            while (head < tail)
            {
                int p = queue[head++];
                size++;
                int x = p % width, y = p / width;
                if (x > 0) Visit(p - 1);
                if (x < width - 1) Visit(p + 1);
                if (y > 0) Visit(p - width);
                if (y < height - 1) Visit(p + width);
            }

            if (size > bestSize)
            {
                (bestSize, bestLabel) = (size, next);
            }

            void Visit(int q)
            {
                if (mask[q] && label[q] == 0)
                {
                    label[q] = next;
                    queue[tail++] = q;
                }
            }
        }

        var largest = new bool[mask.Length];
        for (int i = 0; i < mask.Length; i++)
        {
            largest[i] = bestLabel != 0 && label[i] == bestLabel;
        }

        return largest;
    }
}
