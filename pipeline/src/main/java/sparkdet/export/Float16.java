package sparkdet.export;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** IEEE 754 half precision, as --half stores weights: float32 rounded to the nearest float16, ties to even. */
final class Float16 {
    private Float16() {
    }

    /** the values as float16, little-endian */
    static byte[] bytes(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putShort(of(v));
        }
        return b.array();
    }

    /** the float16 bits nearest to f (too large: infinity; too small: zero, keeping the sign) */
    static short of(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exponent = (bits >>> 23) & 0xFF;
        int mantissa = bits & 0x7FFFFF;
        if (exponent == 0xFF) {
            return (short) (sign | 0x7C00 | (mantissa != 0 ? 0x200 : 0));
        }
        int halfExponent = exponent - 127 + 15;
        if (halfExponent >= 0x1F) {
            return (short) (sign | 0x7C00);
        }
        if (halfExponent <= 0) {
            // a subnormal float16: the value in units of 2^-24, rounded
            if (halfExponent < -10) {
                return (short) sign;
            }
            return (short) (sign | rounded(mantissa | 0x800000, 14 - halfExponent));
        }
        // a carry out of the mantissa rounds up into the exponent (up to infinity), as it should
        return (short) (sign | ((halfExponent << 10) + rounded(mantissa, 13)));
    }

    /** value >> shift, rounded to the nearest, ties to even */
    private static int rounded(int value, int shift) {
        int kept = value >>> shift;
        int rest = value & ((1 << shift) - 1);
        int halfway = 1 << (shift - 1);
        return rest > halfway || (rest == halfway && (kept & 1) != 0) ? kept + 1 : kept;
    }
}
