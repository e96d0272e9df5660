package sparkdet.model;

import java.util.Locale;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Where libtorch computes: {@code auto} (a CUDA device when this process sees one, else the CPU),
 * {@code cpu}, {@code cuda} or {@code cuda:N}. A CPU build of the natives (the default Maven
 * profile) never sees a CUDA device; the {@code gpu} profile's does where the node has one.
 */
public final class Devices {
    public static final String AUTO = "auto";

    private Devices() {
    }

    /**
     * @param preference auto, cpu, cuda or cuda:N
     * @param ordinal which of the visible CUDA devices to use when the preference names none (a
     *     Spark task's GPU address, or the rank on a node), taken modulo their count
     */
    public static Device select(String preference, int ordinal) {
        String p = preference.trim().toLowerCase(Locale.ROOT);
        if (!p.equals(AUTO) && !p.equals("cpu") && !p.equals("cuda") && !p.matches("cuda:\\d+")) {
            throw new IllegalArgumentException("device: auto, cpu, cuda or cuda:N, not '" + preference + "'");
        }
        Torch.load();
        int count = cudaDevices();
        if (p.equals("cpu") || (p.equals(AUTO) && count == 0)) {
            return new Device(torch.DeviceType.CPU);
        }
        if (count == 0) {
            throw new IllegalArgumentException("device '" + preference + "' asked for, but libtorch sees no CUDA "
                    + "device: build with the gpu profile (mvn -Pgpu) on a node with CUDA, or use device = auto");
        }
        int index = p.startsWith("cuda:") ? Integer.parseInt(p.substring(5)) : Math.floorMod(ordinal, count);
        if (index >= count) {
            throw new IllegalArgumentException("device '" + preference + "': this node has " + count + " CUDA device"
                    + (count == 1 ? "" : "s"));
        }
        return new Device(torch.DeviceType.CUDA, (byte) index);
    }

    /** CUDA devices visible to this process; 0 with the CPU natives */
    public static int cudaDevices() {
        Torch.load();
        return torch.cuda_is_available() ? torch.cuda_device_count() : 0;
    }

    public static String name(Device device) {
        return device.str().getString();
    }

    /** the tensor on the device (itself when already there) */
    public static Tensor to(Tensor t, Device device) {
        boolean there = device.is_cuda() ? t.is_cuda() && t.device().index() == device.index() : !t.is_cuda();
        return there ? t : t.to(device, t.scalar_type());
    }
}
