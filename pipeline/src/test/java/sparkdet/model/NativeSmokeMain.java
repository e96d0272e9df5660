package sparkdet.model;

import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import sparkdet.image.ImageDecoder;
import sparkdet.image.RgbImage;
import sparkdet.testing.TestSpark;

/** Run in a fresh JVM by {@link EmptyNativeCacheTest}: libtorch and OpenCV from whatever cache it is given. */
public final class NativeSmokeMain {
    private NativeSmokeMain() {
    }

    public static void main(String[] args) throws Exception {
        RgbImage image = ImageDecoder.decode(Files.readAllBytes(Path.of(args[0])), args[0], TestSpark.pixelLimit());
        try (PointerScope scope = new PointerScope()) {
            Tensor t = ImageTensors.toTensor(image);
            Tensor w = torch.ones(4, 3, 3, 3).requires_grad_(true);
            Tensor y = torch.conv2d(t, w);
            y.mean().backward();
            System.out.println("conv " + java.util.Arrays.toString(y.sizes().vec().get())
                    + " grad " + java.util.Arrays.toString(w.grad().sizes().vec().get()));
        }
    }
}
