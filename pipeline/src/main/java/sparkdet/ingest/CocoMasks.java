package sparkdet.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import sparkdet.data.BoxObject;
import sparkdet.data.ImageRecord;
import sparkdet.image.LabelMap;

/**
 * COCO segmentations painted into one class mask per image, pixel for pixel as pycocotools'
 * maskApi decodes them: polygons through rleFrPoly (its 5x upsampled boundary walk and edge
 * rule), compressed RLE strings through rleFrString, uncompressed RLE (a list of counts) as it
 * is; all column-major runs alternating background and object, starting with background.
 *
 * <p>Painting order: crowd regions first, as 255 ("ignore": a crowd is many objects not told
 * apart), then the other objects in file order, each over those before it, with its class index;
 * an object's polygons are painted together, so they form their union as pycocotools' merge does.
 * So an object annotated inside a crowd keeps its class, and where two objects overlap the later
 * one's class is taken.
 */
final class CocoMasks {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** rleFrPoly walks the boundary at 5 times the pixel resolution */
    private static final double SCALE = 5;
    /**
     * the most boundary points a polygon may take to draw (two ints each): a real one takes 5
     * points a pixel of its perimeter, a hostile one could ask for billions
     */
    private static final long MAX_BOUNDARY_POINTS = 1 << 23;

    private CocoMasks() {
    }

    /** an object whose segmentation cannot be painted */
    static final class BadSegmentationException extends Exception {
        private static final long serialVersionUID = 1L;

        BadSegmentationException(String message) {
            super(message);
        }
    }

    /**
     * @param r a row whose objects carry their COCO segmentation and their class index in the
     *     dataset's classes (background first); its size is the image's
     */
    static LabelMap paint(ImageRecord r) throws BadSegmentationException {
        byte[] pixels = new byte[Math.multiplyExact(r.width, r.height)];
        for (boolean crowdPass : new boolean[] {true, false}) {
            for (int i = 0; i < r.objects.size(); i++) {
                BoxObject o = r.objects.get(i);
                if (o.iscrowd != crowdPass) {
                    continue;
                }
                byte value = (byte) (o.iscrowd ? ImageRecord.MASK_IGNORE : o.classIndex);
                String what = "object " + (i + 1) + " ('" + o.label + "')";
                if (o.segmentation == null) {
                    throw new BadSegmentationException(what + " has no segmentation");
                }
                try {
                    paintSegmentation(JSON.readTree(o.segmentation), r.width, r.height, pixels, value);
                } catch (JsonProcessingException e) {
                    throw new BadSegmentationException(what + ": its segmentation is not JSON");
                } catch (BadSegmentationException e) {
                    throw new BadSegmentationException(what + ": " + e.getMessage());
                }
            }
        }
        return new LabelMap(r.width, r.height, pixels);
    }

    private static void paintSegmentation(JsonNode s, int width, int height, byte[] pixels, byte value)
            throws BadSegmentationException {
        if (s.isArray()) {
            if (s.isEmpty()) {
                throw new BadSegmentationException("its segmentation is an empty list");
            }
            for (JsonNode polygon : s) {
                paintRuns(polygonRuns(numbers(polygon, width, height), height, width), width, height, pixels, value);
            }
        } else if (s.isObject() && s.has("counts") && s.has("size")) {
            JsonNode size = s.get("size");
            if (!size.isArray() || size.size() != 2 || size.get(0).asLong() != height || size.get(1).asLong() != width) {
                throw new BadSegmentationException("its RLE size " + size + " is not the image's [height, width] ["
                        + height + ", " + width + "]");
            }
            JsonNode counts = s.get("counts");
            long[] runs;
            if (counts.isTextual()) {
                runs = compressedRuns(counts.asText());
            } else if (counts.isArray()) {
                runs = new long[counts.size()];
                for (int i = 0; i < runs.length; i++) {
                    JsonNode c = counts.get(i);
                    if (!c.canConvertToLong() || c.asLong() < 0) {
                        throw new BadSegmentationException("its RLE count " + c + " is not a count");
                    }
                    runs[i] = c.asLong();
                }
            } else {
                throw new BadSegmentationException("its RLE counts are neither a string nor a list");
            }
            paintRuns(runs, width, height, pixels, value);
        } else {
            throw new BadSegmentationException("its segmentation is neither polygons nor an RLE object");
        }
    }

    /** a polygon's coordinates, none further out than the image's own size (or not a number) */
    private static double[] numbers(JsonNode polygon, int width, int height) throws BadSegmentationException {
        if (!polygon.isArray()) {
            throw new BadSegmentationException("a polygon is not a list of numbers");
        }
        double[] xy = new double[polygon.size()];
        for (int i = 0; i < xy.length; i++) {
            JsonNode n = polygon.get(i);
            if (!n.isNumber()) {
                throw new BadSegmentationException("a polygon holds " + n + ", not a number");
            }
            xy[i] = n.asDouble();
        }
        if (xy.length < 6 || xy.length % 2 != 0) {
            throw new BadSegmentationException("a polygon of " + xy.length
                    + " numbers: it needs x, y pairs for at least 3 points");
        }
        for (int i = 0; i < xy.length; i += 2) {
            if (!(xy[i] >= -width && xy[i] <= 2.0 * width && xy[i + 1] >= -height && xy[i + 1] <= 2.0 * height)) {
                throw new BadSegmentationException("a polygon point (" + xy[i] + ", " + xy[i + 1]
                        + ") lies far outside the " + width + "x" + height + " image");
            }
        }
        return xy;
    }

    /**
     * Column-major runs, background first, of the pixels inside the polygon, as maskApi's
     * rleFrPoly computes them (a port of its C, integer and floating-point steps kept as they are).
     *
     * @param xy x0, y0, x1, y1, ... in pixels
     */
    static long[] polygonRuns(double[] xy, int h, int w) throws BadSegmentationException {
        int k = xy.length / 2;
        int[] x = new int[k + 1];
        int[] y = new int[k + 1];
        for (int j = 0; j < k; j++) {
            x[j] = (int) (SCALE * xy[j * 2] + .5);
            y[j] = (int) (SCALE * xy[j * 2 + 1] + .5);
        }
        x[k] = x[0];
        y[k] = y[0];
        long boundary = 0;
        for (int j = 0; j < k; j++) {
            boundary += Math.max(Math.abs((long) x[j] - x[j + 1]), Math.abs((long) y[j] - y[j + 1])) + 1;
        }
        if (boundary > MAX_BOUNDARY_POINTS) {
            throw new BadSegmentationException("a polygon whose boundary is " + boundary / (long) SCALE
                    + " pixels long, too long to draw");
        }
        int m = (int) boundary;
        // upsampled points densely along the boundary
        int[] u = new int[m];
        int[] v = new int[m];
        m = 0;
        for (int j = 0; j < k; j++) {
            int xs = x[j];
            int xe = x[j + 1];
            int ys = y[j];
            int ye = y[j + 1];
            int dx = Math.abs(xe - xs);
            int dy = Math.abs(ys - ye);
            boolean flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
            if (flip) {
                int t = xs;
                xs = xe;
                xe = t;
                t = ys;
                ys = ye;
                ye = t;
            }
            double s = dx >= dy ? (double) (ye - ys) / dx : (double) (xe - xs) / dy;
            if (dx >= dy) {
                for (int d = 0; d <= dx; d++) {
                    int t = flip ? dx - d : d;
                    u[m] = t + xs;
                    v[m] = (int) (ys + s * t + .5);
                    m++;
                }
            } else {
                for (int d = 0; d <= dy; d++) {
                    int t = flip ? dy - d : d;
                    v[m] = t + ys;
                    u[m] = (int) (xs + s * t + .5);
                    m++;
                }
            }
        }
        // the points where the boundary crosses a pixel column's centre, downsampled
        int points = m;
        long[] a = new long[points + 1];
        int n = 0;
        for (int j = 1; j < points; j++) {
            if (u[j] == u[j - 1]) {
                continue;
            }
            double xd = u[j] < u[j - 1] ? u[j] : u[j] - 1;
            xd = (xd + .5) / SCALE - .5;
            if (Math.floor(xd) != xd || xd < 0 || xd > w - 1) {
                continue;
            }
            double yd = Math.min(v[j], v[j - 1]);
            yd = (yd + .5) / SCALE - .5;
            if (yd < 0) {
                yd = 0;
            } else if (yd > h) {
                yd = h;
            }
            yd = Math.ceil(yd);
            a[n++] = (long) (int) xd * h + (int) yd;
        }
        a[n++] = (long) h * w;
        Arrays.sort(a, 0, n);
        long previous = 0;
        for (int j = 0; j < n; j++) {
            long t = a[j];
            a[j] -= previous;
            previous = t;
        }
        // zero-length runs join their neighbours
        long[] runs = new long[n];
        int j = 0;
        int r = 0;
        runs[r++] = a[j++];
        while (j < n) {
            if (a[j] > 0) {
                runs[r++] = a[j++];
            } else {
                j++;
                if (j < n) {
                    runs[r - 1] += a[j++];
                }
            }
        }
        return Arrays.copyOf(runs, r);
    }

    /**
     * COCO's compressed RLE string as run lengths, as maskApi's rleFrString reads it: 6 bits a
     * character from '0' (48), 5 of value and a continuation bit, sign-extended, each count after
     * the second relative to the one two before it.
     */
    static long[] compressedRuns(String s) throws BadSegmentationException {
        long[] counts = new long[s.length()];
        int m = 0;
        int p = 0;
        while (p < s.length()) {
            long x = 0;
            int k = 0;
            boolean more = true;
            while (more) {
                if (p >= s.length()) {
                    throw new BadSegmentationException("its RLE string ends inside a count");
                }
                int c = s.charAt(p) - 48;
                if (c < 0 || c > 63 || k > 6) {
                    throw new BadSegmentationException("its RLE string holds '" + s.charAt(p)
                            + "' at " + p + ", not a count");
                }
                // shifted as C's int, then widened, as maskApi does
                x |= (c & 0x1f) << 5 * k;
                more = (c & 0x20) != 0;
                p++;
                k++;
                if (!more && (c & 0x10) != 0) {
                    x |= -1 << 5 * k;
                }
            }
            if (m > 2) {
                x += counts[m - 2];
            }
            if (x < 0) {
                throw new BadSegmentationException("its RLE string decodes to a negative count");
            }
            counts[m++] = x;
        }
        return Arrays.copyOf(counts, m);
    }

    /** alternate runs of background and object, column-major over an image of width x height */
    private static void paintRuns(long[] runs, int width, int height, byte[] pixels, byte value)
            throws BadSegmentationException {
        long total = 0;
        for (long run : runs) {
            total += run;
        }
        if (total != (long) width * height) {
            throw new BadSegmentationException("its runs cover " + total + " pixels, not the image's " + width
                    + "x" + height);
        }
        long at = 0;
        for (int i = 0; i < runs.length; i++) {
            if (i % 2 == 1) {
                for (long p = at; p < at + runs[i]; p++) {
                    int column = (int) (p / height);
                    int row = (int) (p % height);
                    pixels[row * width + column] = value;
                }
            }
            at += runs[i];
        }
    }
}
