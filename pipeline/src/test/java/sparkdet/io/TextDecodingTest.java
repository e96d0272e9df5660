package sparkdet.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TextDecodingTest {
    @Test
    void utf8WithAndWithoutBom() throws Exception {
        byte[] plain = "猫 cat".getBytes(StandardCharsets.UTF_8);
        byte[] bom = new byte[plain.length + 3];
        bom[0] = (byte) 0xEF;
        bom[1] = (byte) 0xBB;
        bom[2] = (byte) 0xBF;
        System.arraycopy(plain, 0, bom, 3, plain.length);
        assertThat(TextDecoding.decode(plain, "auto").text()).isEqualTo("猫 cat");
        assertThat(TextDecoding.decode(bom, "auto").text()).isEqualTo("猫 cat");
    }

    @Test
    void gbkIsDetected() throws Exception {
        byte[] gbk = "图片/小狗.jpg 1,2,3,4,0".getBytes(Charset.forName("GBK"));
        TextDecoding.Decoded d = TextDecoding.decode(gbk, null);
        assertThat(d.text()).isEqualTo("图片/小狗.jpg 1,2,3,4,0");
        assertThat(d.charset().name()).isEqualTo("GB18030");
    }

    @Test
    void anyBytesDecodeAndAnExplicitCharsetIsHonoured() throws Exception {
        byte[] latin = {(byte) 0xE9, 't', (byte) 0xE9};
        assertThat(TextDecoding.decode(latin, "ISO-8859-1").text()).isEqualTo("été");
        assertThat(TextDecoding.decode(new byte[] {(byte) 0x81, (byte) 0xFF}, "auto").text()).hasSize(2);
    }
}
