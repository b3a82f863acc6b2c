//! Reading files the way the loader does: only regular files, and never
//! more than a limit. A named pipe would block the reader for ever, and a
//! device such as `/dev/zero` never ends, so neither is opened for reading.

use std::fs::{File, FileType};
use std::io::{self, Read as _};
use std::path::Path;

use crate::error::Error;

/// Opens a regular file for reading; anything else (a folder, a named
/// pipe, a device, a socket) is an [`io::ErrorKind::InvalidInput`] error
/// that says what it is. The type is checked before opening, because
/// opening a named pipe blocks until something writes to it, and again on
/// the opened file, in case the path changed in between.
pub(crate) fn open_regular(path: &Path) -> io::Result<File> {
    let kind = std::fs::metadata(path)?.file_type();
    if !kind.is_file() {
        return Err(not_regular(kind));
    }
    let file = File::open(path)?;
    let kind = file.metadata()?.file_type();
    if !kind.is_file() {
        return Err(not_regular(kind));
    }
    Ok(file)
}

fn not_regular(kind: FileType) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("it is {}, not a regular file", describe(kind)),
    )
}

fn describe(kind: FileType) -> &'static str {
    if kind.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if kind.is_fifo() {
            return "a named pipe";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    "a special file"
}

/// Reads at most `limit + 1` bytes of a regular file, so a huge file is
/// refused after the limit instead of filling memory; more than `limit`
/// bytes back means the file is over it.
pub(crate) fn read_bounded(path: &Path, limit: usize) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    open_regular(path)?
        .take((limit as u64).saturating_add(1))
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Reads a UTF-8 text file as the loader reads a questionnaire: only a
/// regular file (a named pipe, a folder or a device is refused without
/// being opened for reading, so this never blocks), and at most
/// `max_bytes` bytes (`usize::MAX` for no limit; questionnaires use
/// [`Limits::max_file_bytes`](crate::Limits::max_file_bytes)).
///
/// # Errors
/// [`Error::Io`] naming the path: the operating system's reason when the
/// file cannot be opened or read, [`io::ErrorKind::InvalidInput`] when it
/// is not a regular file, [`io::ErrorKind::FileTooLarge`] when it has more
/// than `max_bytes` bytes, [`io::ErrorKind::InvalidData`] when it is not
/// UTF-8.
pub fn read_text_file(path: impl AsRef<Path>, max_bytes: usize) -> Result<String, Error> {
    let path = path.as_ref();
    let error = |source| Error::Io {
        path: path.display().to_string(),
        source,
    };
    let bytes = read_bounded(path, max_bytes).map_err(error)?;
    if bytes.len() > max_bytes {
        return Err(error(io::Error::new(
            io::ErrorKind::FileTooLarge,
            format!("the file is larger than the limit of {max_bytes} bytes"),
        )));
    }
    String::from_utf8(bytes).map_err(|_| {
        error(io::Error::new(
            io::ErrorKind::InvalidData,
            "the file is not UTF-8 text",
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_are_read() {
        let folder = read_text_file(env!("CARGO_MANIFEST_DIR"), 1_000).unwrap_err();
        assert!(folder.to_string().contains("it is a folder"), "{folder}");
        #[cfg(unix)]
        {
            let device = read_text_file("/dev/zero", 1_000).unwrap_err();
            assert!(device.to_string().contains("a device"), "{device}");
        }
        let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");
        assert!(read_text_file(manifest, usize::MAX).is_ok());
        let Err(Error::Io { source, .. }) = read_text_file(manifest, 10) else {
            panic!("read past the limit");
        };
        assert_eq!(source.kind(), io::ErrorKind::FileTooLarge);
    }
}
