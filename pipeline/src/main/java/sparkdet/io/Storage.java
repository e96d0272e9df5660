package sparkdet.io;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * Files on any Hadoop file system (file:, hdfs:, s3a:): the few operations sparkdet needs, with
 * plain local paths accepted everywhere a URI is.
 */
public final class Storage {
    private final Configuration conf;

    public Storage(Configuration conf) {
        this.conf = conf;
    }

    public Configuration conf() {
        return conf;
    }

    /** a URI string or a local path (relative to the working directory) as a qualified Hadoop path */
    public static Path path(String uriOrPath) {
        // (?s): a file name may hold a newline, and file:/a/b\nc.jpg is still a URI
        if (uriOrPath.matches("(?s)^[a-zA-Z][a-zA-Z0-9+.-]+:.*")) {
            return new Path(uriOrPath);
        }
        // not Path(URI): java.nio adds a trailing slash to an existing folder's URI
        return new Path("file", null, Paths.get(uriOrPath).toAbsolutePath().normalize().toString());
    }

    public FileSystem fs(Path p) throws IOException {
        FileSystem fs = p.getFileSystem(conf);
        if (fs instanceof LocalFileSystem local) {
            // the plain local file system, without Hadoop's checksum layer: no hidden .<name>.crc
            // beside every file written (a predict output would hold two files per image; HDFS
            // keeps its own block checksums regardless), and none looked for when reading,
            // renaming or deleting: the look-up parses ".<name>.crc" as a path, which fails for a
            // name with a colon (x:y.jpg, run:2/)
            return local.getRawFileSystem();
        }
        return fs;
    }

    public boolean exists(Path p) throws IOException {
        return fs(p).exists(p);
    }

    public boolean isDirectory(Path p) throws IOException {
        try {
            return fs(p).getFileStatus(p).isDirectory();
        } catch (FileNotFoundException e) {
            return false;
        }
    }

    /** the bytes in a file, or in all the files under a folder */
    public long size(Path p) throws IOException {
        return fs(p).getContentSummary(p).getLength();
    }

    public InputStream open(Path p) throws IOException {
        return fs(p).open(p);
    }

    public byte[] readBytes(Path p, long maxBytes) throws IOException {
        FileSystem fs = fs(p);
        if (fs instanceof RawLocalFileSystem local) {
            // read directly: Hadoop's local stream adds a status call, a buffer and a copy, 0.1 ms
            // a file, a tenth of decoding a 512x512 mask
            java.nio.file.Path file = local.pathToFile(p).toPath();
            try {
                checkSize(p, java.nio.file.Files.size(file), maxBytes);
                return java.nio.file.Files.readAllBytes(file);
            } catch (java.nio.file.NoSuchFileException e) {
                throw new FileNotFoundException("File " + p + " does not exist");
            }
        }
        long len = fs.getFileStatus(p).getLen();
        checkSize(p, len, maxBytes);
        try (InputStream in = fs.open(p)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) len);
            in.transferTo(out);
            return out.toByteArray();
        }
    }

    private static void checkSize(Path p, long len, long maxBytes) throws IOException {
        if (len > maxBytes) {
            throw new IOException(p + " is " + len + " bytes, more than the " + maxBytes + " allowed");
        }
    }

    public void writeBytes(Path p, byte[] bytes) throws IOException {
        try (OutputStream out = create(p)) {
            out.write(bytes);
        }
    }

    public void writeText(Path p, String text) throws IOException {
        writeBytes(p, text.getBytes(StandardCharsets.UTF_8));
    }

    /** a new file (replacing one there), its folders made as needed */
    public OutputStream create(Path p) throws IOException {
        FileSystem fs = fs(p);
        if (fs instanceof RawLocalFileSystem local) {
            // Hadoop sets a new local file's permission with a chmod process when its native
            // library is missing, as here: one process per file (predict writes one or two per image)
            java.nio.file.Path file = local.pathToFile(p).toPath();
            java.nio.file.Files.createDirectories(file.getParent());
            return java.nio.file.Files.newOutputStream(file);
        }
        return fs.create(p, true);
    }

    /**
     * The names in a local folder that the file system's encoding cannot decode (bytes that are
     * not UTF-8, say): Java reads them with U+FFFD in place of those bytes, so they cannot be
     * opened by name, and Hadoop's listing leaves them out without a word. Empty for other file
     * systems, which store names as text.
     */
    public List<String> undecodableNames(Path dir) throws IOException {
        if (!(fs(dir) instanceof RawLocalFileSystem local)) {
            return List.of();
        }
        String[] names = local.pathToFile(dir).list();
        List<String> out = new ArrayList<>();
        for (String name : names == null ? new String[0] : names) {
            if (name.indexOf('\uFFFD') >= 0) {
                out.add(name);
            }
        }
        out.sort(null);
        return out;
    }

    /**
     * the files under a folder, recursively, whose names end with one of the suffixes
     * (case-insensitive); hidden files and folders (".", "_": staging folders, _SUCCESS) are left
     * out. Walked with plain listings: FileSystem.listFiles asks the local file system for each
     * file's permissions, one `ls` process per file (minutes for 100,000 pictures).
     */
    public List<Path> listFiles(Path dir, String... suffixes) throws IOException {
        return listFiles(dir, true, suffixes);
    }

    /**
     * {@link #listFiles(Path, String...)}, or only the folder's own files when not recursive (a
     * folder of masks whose file names are the keys)
     */
    public List<Path> listFiles(Path dir, boolean recursive, String... suffixes) throws IOException {
        List<Path> out = new ArrayList<>();
        FileSystem fs = fs(dir);
        java.util.Deque<Path> folders = new java.util.ArrayDeque<>(List.of(fs.makeQualified(dir)));
        while (!folders.isEmpty()) {
            for (Entry entry : entries(fs, folders.pop())) {
                String name = entry.path().getName().toLowerCase(java.util.Locale.ROOT);
                if (name.startsWith(".") || name.startsWith("_")) {
                    continue;
                }
                if (entry.folder()) {
                    if (recursive) {
                        folders.push(entry.path());
                    }
                    continue;
                }
                for (String s : suffixes) {
                    if (name.endsWith(s)) {
                        out.add(entry.path());
                        break;
                    }
                }
            }
        }
        out.sort(null);
        return out;
    }

    /** what a folder holds: a file or a folder */
    private record Entry(Path path, boolean folder) {
    }

    private static List<Entry> entries(FileSystem fs, Path folder) throws IOException {
        List<Entry> entries = new ArrayList<>();
        if (fs instanceof RawLocalFileSystem local) {
            // one stat a name: Hadoop's local listing makes a status of three per file (100 us a
            // file, half a second for evaluate's 4000 masks)
            java.nio.file.Path dir = local.pathToFile(folder).toPath();
            try (java.nio.file.DirectoryStream<java.nio.file.Path> names =
                         java.nio.file.Files.newDirectoryStream(dir)) {
                for (java.nio.file.Path listed : names) {
                    String name = listed.getFileName().toString();
                    boolean isFolder;
                    try {
                        // by the name as decoded, as a Hadoop path opens it: a name the encoding
                        // cannot decode is left out, as Hadoop's listing leaves it out
                        isFolder = java.nio.file.Files.readAttributes(dir.resolve(name),
                                java.nio.file.attribute.BasicFileAttributes.class).isDirectory();
                    } catch (java.nio.file.NoSuchFileException gone) {
                        continue;
                    }
                    // as Hadoop names a child: "./" before it, so that "run:2" is no scheme
                    entries.add(new Entry(new Path(folder, new Path(null, null, name)), isFolder));
                }
            } catch (java.nio.file.NoSuchFileException e) {
                throw new FileNotFoundException("File " + folder + " does not exist");
            }
            return entries;
        }
        RemoteIterator<FileStatus> it = fs.listStatusIterator(folder);
        while (it.hasNext()) {
            FileStatus st = it.next();
            entries.add(new Entry(st.getPath(), st.isDirectory()));
        }
        return entries;
    }
}
