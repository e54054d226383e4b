//! Archives and compressed files ([`crate::sniff`] tells them by their
//! magic bytes): zip (and jar, war, ...), tar, gzip, bzip2 and xz. [`members`] reads each regular
//! member into memory under two limits, one per member and one for the
//! whole archive (shared with nested archives through a budget), so a zip
//! bomb stops at the limit instead of filling memory. Pure: bytes in,
//! members out; what to do with them is the caller's business.

use std::{
    cell::Cell,
    io::{self, Cursor, Read, Write},
};

use crate::sniff::ArchiveKind;

/// Decompressed bytes read from one top-level archive, nested ones included.
pub const MAX_TOTAL: u64 = 256 << 20;

/// Limits on opening archives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Archives nested deeper than this are not opened (1: only the
    /// archive itself). A compressed stream holding a container (`.tar.gz`)
    /// counts once.
    pub max_depth: u8,
    /// Largest decompressed member read, in bytes.
    pub max_member: u64,
    /// Decompressed bytes read from one top-level archive, in all.
    pub max_total: u64,
}

/// One member of an archive.
pub struct Member {
    /// Its path in the archive; `None` for the content of a compressed stream.
    pub name: Option<String>,
    /// Its bytes, or why they were not read (a limit, a read error).
    pub content: Result<Vec<u8>, String>,
}

/// Reads the regular members of `data` (an archive of `kind`) one at a
/// time and hands each to `visit`. `budget` holds the decompressed bytes
/// still allowed; once it runs out, reading stops with an error, as it
/// does when the archive itself cannot be read.
pub fn members(
    data: &[u8],
    kind: ArchiveKind,
    max_member: u64,
    budget: &Cell<u64>,
    visit: &mut dyn FnMut(Member),
) -> Result<(), String> {
    match kind {
        ArchiveKind::Zip => zip_members(data, max_member, budget, visit),
        ArchiveKind::Tar => tar_members(data, max_member, budget, visit),
        ArchiveKind::Gzip => stream(
            flate2::read::MultiGzDecoder::new(data),
            max_member,
            budget,
            visit,
        ),
        ArchiveKind::Bzip2 => stream(
            bzip2::read::MultiBzDecoder::new(data),
            max_member,
            budget,
            visit,
        ),
        ArchiveKind::Xz => {
            let cap = max_member.min(budget.get());
            let mut out = Capped {
                buf: Vec::new(),
                cap,
            };
            let read = lzma_rs::xz_decompress(&mut Cursor::new(data), &mut out);
            take(budget, out.buf.len());
            let content = match read {
                _ if out.buf.len() as u64 > cap => Err(over(cap, budget)?),
                Ok(()) => Ok(out.buf),
                Err(e) => Err(format!("cannot decompress: {e}")),
            };
            visit(Member {
                name: None,
                content,
            });
            Ok(())
        }
    }
}

fn stream(
    reader: impl Read,
    max_member: u64,
    budget: &Cell<u64>,
    visit: &mut dyn FnMut(Member),
) -> Result<(), String> {
    let content = read_capped(reader, max_member, budget)?;
    visit(Member {
        name: None,
        content,
    });
    Ok(())
}

fn zip_members(
    data: &[u8],
    max_member: u64,
    budget: &Cell<u64>,
    visit: &mut dyn FnMut(Member),
) -> Result<(), String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(data)).map_err(|e| format!("bad zip: {e}"))?;
    for i in 0..zip.len() {
        let name = zip.name_for_index(i).map(str::to_string);
        let mut file = match zip.by_index(i) {
            Ok(f) => f,
            Err(e) => {
                visit(Member {
                    name,
                    content: Err(format!("cannot read: {e}")),
                });
                continue;
            }
        };
        if !file.is_file() {
            continue;
        }
        let name = Some(file.name().to_string());
        let content = if file.size() > max_member.min(budget.get()) {
            Err(over(max_member.min(budget.get()), budget)?)
        } else {
            read_capped(&mut file, max_member, budget)?
        };
        visit(Member { name, content });
    }
    Ok(())
}

fn tar_members(
    data: &[u8],
    max_member: u64,
    budget: &Cell<u64>,
    visit: &mut dyn FnMut(Member),
) -> Result<(), String> {
    let mut tar = tar::Archive::new(data);
    let entries = tar.entries().map_err(|e| format!("bad tar: {e}"))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| format!("bad tar: {e}"))?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let name = Some(String::from_utf8_lossy(&entry.path_bytes()).into_owned());
        let content = read_capped(&mut entry, max_member, budget)?;
        visit(Member { name, content });
    }
    Ok(())
}

/// Reads at most `max_member` bytes (and what the budget allows): the
/// bytes, `Ok(Err)` for a member over its limit or unreadable, `Err` once
/// the whole archive's budget is spent.
fn read_capped(
    reader: impl Read,
    max_member: u64,
    budget: &Cell<u64>,
) -> Result<Result<Vec<u8>, String>, String> {
    let cap = max_member.min(budget.get());
    let mut buf = Vec::new();
    let read = reader.take(cap + 1).read_to_end(&mut buf);
    take(budget, buf.len());
    if buf.len() as u64 > cap {
        return Ok(Err(over(cap, budget)?));
    }
    Ok(read
        .map(|_| buf)
        .map_err(|e| format!("cannot decompress: {e}")))
}

fn take(budget: &Cell<u64>, n: usize) {
    budget.set(budget.get().saturating_sub(n as u64));
}

/// The message for content over `cap`: a member's limit (returned), or the
/// archive's whole budget (an error, which stops the archive).
fn over(cap: u64, budget: &Cell<u64>) -> Result<String, String> {
    let message = format!("decompressed size limit: expands past {cap} bytes, not followed");
    if budget.get() == 0 {
        Err(message)
    } else {
        Ok(message)
    }
}

/// A writer that stops accepting bytes past its cap (for xz, which
/// decompresses into a writer).
struct Capped {
    buf: Vec<u8>,
    cap: u64,
}

impl Write for Capped {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        let room = (self.cap + 1).saturating_sub(self.buf.len() as u64) as usize;
        if room == 0 {
            return Err(io::Error::other("size limit"));
        }
        let n = b.len().min(room);
        self.buf.extend_from_slice(&b[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::archive_kind;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut w = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        w.write_all(data).unwrap();
        w.finish().unwrap()
    }

    type Collected = (
        Vec<(Option<String>, Result<Vec<u8>, String>)>,
        Result<(), String>,
    );

    fn collect(data: &[u8], max: u64, total: u64) -> Collected {
        let budget = Cell::new(total);
        let mut out = Vec::new();
        let r = members(data, archive_kind(data).unwrap(), max, &budget, &mut |m| {
            out.push((m.name, m.content))
        });
        (out, r)
    }

    #[test]
    fn a_gzip_stream_is_one_member() {
        let (out, r) = collect(&gzip(b"hello"), 100, 1000);
        assert!(r.is_ok());
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].1.as_deref(), Ok(&b"hello"[..]));
    }

    #[test]
    fn member_and_total_limits_stop_reading() {
        let big = gzip(&vec![0u8; 1 << 20]);
        let (out, r) = collect(&big, 1000, 1 << 30);
        assert!(r.is_ok());
        assert!(out[0]
            .1
            .as_ref()
            .unwrap_err()
            .contains("expands past 1000 bytes"));
        let (_, r) = collect(&big, 1 << 30, 4096);
        assert!(r.unwrap_err().contains("expands past 4096 bytes"));
    }
}
