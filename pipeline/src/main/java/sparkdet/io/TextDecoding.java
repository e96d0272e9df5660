package sparkdet.io;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Text files of unknown encoding, as annotation files from Windows tools often are (a Chinese
 * Windows writes GBK). Strict UTF-8 first (a BOM is dropped); if the bytes are not valid UTF-8,
 * GB18030 (a superset of GBK and GB2312), then ISO-8859-1, which decodes any byte.
 */
public final class TextDecoding {
    private static final List<Charset> FALLBACKS =
            List.of(StandardCharsets.UTF_8, Charset.forName("GB18030"), StandardCharsets.ISO_8859_1);

    private TextDecoding() {
    }

    /** decoded text and the charset that decoded it */
    public record Decoded(String text, Charset charset) {
    }

    /** decodes with the given charset name, or detects when it is null, empty or "auto" */
    public static Decoded decode(byte[] bytes, String charsetName) throws CharacterCodingException {
        if (charsetName != null && !charsetName.isEmpty() && !charsetName.equalsIgnoreCase("auto")) {
            Charset cs = Charset.forName(charsetName);
            return new Decoded(strict(bytes, cs), cs);
        }
        for (Charset cs : FALLBACKS) {
            try {
                return new Decoded(strict(bytes, cs), cs);
            } catch (CharacterCodingException e) {
                // not this one: try the next
            }
        }
        throw new CharacterCodingException();
    }

    private static String strict(byte[] bytes, Charset cs) throws CharacterCodingException {
        int offset = 0;
        if (cs.equals(StandardCharsets.UTF_8) && bytes.length >= 3 && (bytes[0] & 0xff) == 0xEF
                && (bytes[1] & 0xff) == 0xBB && (bytes[2] & 0xff) == 0xBF) {
            offset = 3;
        }
        CharBuffer out = cs.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes, offset, bytes.length - offset));
        return out.toString();
    }
}
