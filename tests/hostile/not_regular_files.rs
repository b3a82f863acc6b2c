//! Hostile input: not regular files.

use std::path::Path;
use std::time::{Duration, Instant};

use vidare::{Compiler, Error, diagnostic::Code};

use super::{BOUND, HEAD, bound, refused};

/// A temporary folder, removed with its contents when dropped.
fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary folder")
}

/// Runs `read` in a thread and returns its result, failing the test when it
/// has not returned within five seconds. A reader blocked in opening the
/// named pipe `pipe` is released by opening its write end, so a broken fix
/// fails the test rather than hanging it.
#[cfg(unix)]
fn returns_promptly<T: Send + 'static>(
    what: &str,
    pipe: &Path,
    read: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (sender, receiver) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let _ = sender.send(read());
    });
    let Ok(result) = receiver.recv_timeout(Duration::from_secs(5)) else {
        // Opening the write end lets the blocked open return; dropping
        // it gives the reader an end of file.
        drop(std::fs::OpenOptions::new().write(true).open(pipe));
        let _ = reader.join();
        panic!("{what}: blocked on the named pipe {}", pipe.display());
    };
    reader.join().expect("the reader thread");
    result
}

#[cfg(unix)]
fn make_fifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success(), "mkfifo {}", path.display());
}

/// An [`Error::Io`] naming `path`, whose reason contains `reason`.
fn io_error_naming(error: &Error, path: &Path, reason: &str) {
    let Error::Io {
        path: named,
        source,
    } = error
    else {
        panic!("expected an I/O error, got {error:?}");
    };
    assert_eq!(named, &path.display().to_string());
    assert_eq!(source.kind(), std::io::ErrorKind::InvalidInput, "{source}");
    assert!(error.to_string().contains(reason), "{error}");
}

#[cfg(unix)]
#[test]
fn a_named_pipe_is_refused_without_blocking() {
    // Opening a named pipe for reading waits for a writer, for ever: the
    // loader checks the type of the file first.
    let dir = temp_dir();
    let pipe = dir.path().join("pipe.yaml");
    make_fifo(&pipe);
    let path = pipe.clone();
    let started = Instant::now();
    let error = returns_promptly("vidare::load", &pipe, move || {
        vidare::load(&path).map(|_| ())
    })
    .expect_err("a named pipe is not a questionnaire");
    io_error_naming(&error, &pipe, "it is a named pipe, not a regular file");
    assert!(started.elapsed() < bound(BOUND));
    // Recordings and test files are read the same way.
    let path = pipe.clone();
    let error = returns_promptly("Recording::load", &pipe, move || {
        vidare::Recording::load(&path).map(|_| ())
    })
    .expect_err("a named pipe is not a recording");
    io_error_naming(&error, &pipe, "named pipe");
    let path = pipe.clone();
    let error = returns_promptly("load_test_file", &pipe, move || {
        vidare::testing::load_test_file(&path).map(|_| ())
    })
    .expect_err("a named pipe is not a test file");
    io_error_naming(&error, &pipe, "named pipe");
    let path = pipe.clone();
    let error = returns_promptly("read_text_file", &pipe, move || {
        vidare::files::read_text_file(&path, usize::MAX).map(|_| ())
    })
    .expect_err("a named pipe is not read");
    io_error_naming(&error, &pipe, "named pipe");
}

#[cfg(unix)]
#[test]
fn an_included_named_pipe_is_refused_without_blocking() {
    // `include: piped@1.0.0` where `piped/1.0.0.yaml` is a named pipe.
    let root = temp_dir();
    std::fs::create_dir_all(root.path().join("piped")).expect("a folder");
    let pipe = root.path().join("piped").join("1.0.0.yaml");
    make_fifo(&pipe);
    let source = format!("{HEAD}sections:\n  - {{ include: piped@1.0.0, as: p }}\n");
    let compiler = Compiler::new().with_include_root(root.path());
    let result = returns_promptly("include", &pipe, move || {
        let (q, diagnostics) = compiler.check(&source, "hostile.yaml");
        (q.is_some(), diagnostics)
    });
    let d = refused(
        &(None, result.1),
        Code::UnknownReference,
        "included named pipe",
    );
    assert!(!result.0);
    assert_eq!(
        (d.location.line, d.location.path.as_str()),
        (8, "sections[0].include")
    );
    assert!(d.message.contains("named pipe"), "{}", d.message);
    assert!(d.message.contains("1.0.0.yaml"), "{}", d.message);
}

#[test]
fn folders_and_devices_are_refused_without_reading() {
    let dir = tempfile::Builder::new()
        .suffix("folder.yaml")
        .tempdir()
        .expect("a temporary folder");
    let error = vidare::load(dir.path()).expect_err("a folder is not a questionnaire");
    io_error_naming(&error, dir.path(), "it is a folder, not a regular file");
    // `/dev/zero` never ends; it is refused before a byte is read.
    #[cfg(unix)]
    {
        let started = Instant::now();
        let zero = Path::new("/dev/zero");
        let error = vidare::load(zero).expect_err("a device is not a questionnaire");
        io_error_naming(&error, zero, "it is a device, not a regular file");
        assert!(started.elapsed() < bound(BOUND));
    }
}

#[test]
fn a_huge_file_is_refused_after_the_size_limit() {
    // A 10 GB sparse file: only `max_file_bytes` + 1 bytes are read.
    let dir = temp_dir();
    let path = dir.path().join("huge.yaml");
    std::fs::File::create(&path)
        .and_then(|f| f.set_len(10 << 30))
        .expect("a sparse file");
    let started = Instant::now();
    let error = vidare::load(&path).expect_err("too large");
    let d = &error.diagnostics()[0];
    assert_eq!(d.code, Code::LimitExceeded, "{}", error.render());
    assert_eq!((d.location.line, d.location.column), (1, 1));
    assert!(started.elapsed() < bound(BOUND));
}
