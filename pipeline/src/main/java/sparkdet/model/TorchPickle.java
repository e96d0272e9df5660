package sparkdet.model;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * An unpickler for what torch.save writes for a state dict: dicts and OrderedDicts, tuples and
 * lists, strings and numbers, and tensors, which become {@link TensorRef}s naming their storage by
 * key. libtorch's own pickle_load is not used: it fails on the OrderedDict that
 * model.state_dict() returns (pytorch/pytorch#100741) and does not read the legacy format.
 */
final class TorchPickle {
    /** ArrayDeque holds no nulls: Python's None while on the stack */
    private static final Object NONE = new Object();
    private static final Object MARK = new Object();

    private final ByteBuffer in;
    private final Deque<Object> stack = new ArrayDeque<>();
    private final Map<Integer, Object> memo = new HashMap<>();

    private TorchPickle(ByteBuffer in) {
        this.in = in;
    }

    /** a tensor's storage: ('storage', torch.XStorage, key, location, element count) in the pickle */
    record StorageRef(String key, ScalarType type, long elements) {
    }

    record TensorRef(StorageRef storage, long offset, long[] sizes, long[] strides) {
    }

    private record Global(String module, String name) {
    }

    /** something a state dict does not need, e.g. the OrderedDict of a tensor's backward hooks */
    private record Opaque(Global global) {
    }

    /** what a pickle's value is, for a message: a call it names is described, never made */
    static String describe(Object value) {
        if (value == null) {
            return "None";
        }
        if (value instanceof Opaque o) {
            return "a call to " + o.global().module() + "." + o.global().name()
                    + " (not made: sparkdet reads a pickle's data, never runs what it names)";
        }
        return "a " + value.getClass().getSimpleName();
    }

    /** reads one pickle from the buffer's position up to and including its STOP opcode */
    static Object load(ByteBuffer in) {
        return new TorchPickle(in).run();
    }

    private Object run() {
        while (true) {
            int op = in.get() & 0xff;
            switch (op) {
                case 0x80 -> in.get(); // PROTO
                case '.' -> {
                    return unwrap(stack.pop());
                }
                case '(' -> stack.push(MARK);
                case 'N' -> stack.push(NONE);
                case 0x88 -> stack.push(Boolean.TRUE);
                case 0x89 -> stack.push(Boolean.FALSE);
                case 'K' -> stack.push((long) (in.get() & 0xff));
                case 'M' -> stack.push((long) (in.getShort() & 0xffff));
                case 'J' -> stack.push((long) in.getInt());
                case 0x8a -> stack.push(long1(in.get() & 0xff));
                case 'G' -> stack.push(Double.longBitsToDouble(Long.reverseBytes(in.getLong())));
                case 'X', 'T' -> stack.push(string(in.getInt() & 0xffffffffL));
                case 'U', 0x8c -> stack.push(string(in.get() & 0xff));
                case 'c' -> stack.push(new Global(line(), line()));
                case ')' -> stack.push(List.of());
                case ']' -> stack.push(new ArrayList<>());
                case '}' -> stack.push(new LinkedHashMap<>());
                case 't' -> stack.push(popMark());
                case 0x85, 0x86, 0x87 -> stack.push(popN(op - 0x84));
                case 'q' -> memo.put(in.get() & 0xff, stack.peek());
                case 'r' -> memo.put(in.getInt(), stack.peek());
                case 'h' -> stack.push(memo.get(in.get() & 0xff));
                case 'j' -> stack.push(memo.get(in.getInt()));
                case 'a' -> {
                    Object v = unwrap(stack.pop());
                    list(stack.peek()).add(v);
                }
                case 'e' -> {
                    List<Object> items = popMark();
                    list(stack.peek()).addAll(items);
                }
                case 's' -> {
                    Object v = unwrap(stack.pop());
                    Object k = unwrap(stack.pop());
                    map(stack.peek()).put(k, v);
                }
                case 'u' -> {
                    List<Object> items = popMark();
                    Map<Object, Object> m = map(stack.peek());
                    for (int i = 0; i < items.size(); i += 2) {
                        m.put(items.get(i), items.get(i + 1));
                    }
                }
                case 'b' -> stack.pop(); // BUILD: object state (an OrderedDict's _metadata) is not needed
                case 'R' -> {
                    List<?> args = (List<?>) stack.pop();
                    stack.push(reduce((Global) stack.pop(), args));
                }
                case 'Q' -> stack.push(storage((List<?>) stack.pop()));
                default -> throw new IllegalStateException(String.format(
                        "pickle opcode 0x%02x at byte %d is not supported", op, in.position() - 1));
            }
        }
    }

    private static Object reduce(Global g, List<?> args) {
        return switch (g.module() + "." + g.name()) {
            case "collections.OrderedDict" -> new LinkedHashMap<>();
            case "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor" -> new TensorRef(
                    (StorageRef) args.get(0), (Long) args.get(1), longs(args.get(2)), longs(args.get(3)));
            case "torch._utils._rebuild_parameter" -> args.get(0);
            default -> new Opaque(g);
        };
    }

    private static StorageRef storage(List<?> pid) {
        if (!"storage".equals(pid.get(0))) {
            throw new IllegalStateException("unsupported persistent id " + pid.get(0));
        }
        return new StorageRef((String) pid.get(2), StorageTypes.type(((Global) pid.get(1)).name()), (Long) pid.get(4));
    }

    private static long[] longs(Object tuple) {
        List<?> l = (List<?>) tuple;
        long[] out = new long[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (Long) l.get(i);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return (List<Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static Map<Object, Object> map(Object o) {
        return (Map<Object, Object>) o;
    }

    private static Object unwrap(Object o) {
        return o == NONE ? null : o;
    }

    private List<Object> popMark() {
        List<Object> items = new ArrayList<>();
        for (Object o = stack.pop(); o != MARK; o = stack.pop()) {
            items.add(unwrap(o));
        }
        return reversed(items);
    }

    private List<Object> popN(int n) {
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            items.add(unwrap(stack.pop()));
        }
        return reversed(items);
    }

    private static List<Object> reversed(List<Object> items) {
        Collections.reverse(items);
        return items;
    }

    /** a little-endian two's complement integer; longer than 64 bits (the legacy magic number) as a BigInteger */
    private Object long1(int n) {
        byte[] bigEndian = new byte[n];
        for (int i = n - 1; i >= 0; i--) {
            bigEndian[i] = in.get();
        }
        BigInteger v = n == 0 ? BigInteger.ZERO : new BigInteger(bigEndian);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    /** checked against the bytes left before allocating: the length is the file's word, not its size */
    private String string(long n) {
        if (n < 0 || n > in.remaining()) {
            throw new IllegalStateException(String.format("a pickle string at byte %d declares %d bytes, more than "
                    + "the %d left in the file", in.position(), n, in.remaining()));
        }
        byte[] b = new byte[(int) n];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private String line() {
        StringBuilder sb = new StringBuilder();
        for (byte c = in.get(); c != '\n'; c = in.get()) {
            sb.append((char) c);
        }
        return sb.toString();
    }
}
