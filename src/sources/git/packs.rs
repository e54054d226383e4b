//! The blobs of a repository's packfiles, in pack order, without inflating
//! anything: the `.idx` files give each object's offset, and the few header
//! bytes at that offset give its type (a delta takes its base's type).
//! Reading blobs in pack order keeps delta bases hot in libgit2's cache.

use std::{fs::File, path::Path};

use git2::Oid;
use memmap2::{Mmap, MmapOptions};

use super::OidSet;

const OBJ_BLOB: u8 = 3;
const OBJ_OFS_DELTA: u8 = 6;
const OBJ_REF_DELTA: u8 = 7;

/// What the packfiles say about objects.
#[derive(Default)]
pub struct PackIndex {
    /// Blob ids in pack order (pack by pack, by offset).
    pub blobs: Vec<Oid>,
    /// Ids of every packed object.
    pub packed: OidSet,
}

/// Reads every `objects/pack/*.idx` (v2, SHA-1) with its pack. A pack that
/// cannot be read is left out: its objects are then found as loose ones.
pub fn index(objects_dir: &Path) -> PackIndex {
    let mut out = PackIndex::default();
    let Ok(entries) = std::fs::read_dir(objects_dir.join("pack")) else {
        return out;
    };
    let mut idx_files: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "idx"))
        .collect();
    idx_files.sort();
    for idx in idx_files {
        if let Some(objects) = read_pack(&idx) {
            for (oid, is_blob) in objects {
                if out.packed.insert(oid) && is_blob {
                    out.blobs.push(oid);
                }
            }
        }
    }
    out
}

/// The objects of one pack in offset order, each with whether it is a blob.
fn read_pack(idx_path: &Path) -> Option<Vec<(Oid, bool)>> {
    let idx = map(idx_path)?;
    let mut pack = PackWindow::open(&idx_path.with_extension("pack"))?;
    // `.idx` order is by id: kept for ref-delta bases, sorted copy by offset.
    let by_id = parse_idx(&idx)?;
    drop(idx);
    let mut by_offset: Vec<(u64, Oid)> = by_id.clone();
    by_offset.sort_unstable_by_key(|&(off, _)| off);
    let mut kinds: Vec<u8> = Vec::with_capacity(by_offset.len());
    for &(offset, _) in &by_offset {
        let kind = match entry_header(pack.at(offset)?, offset)? {
            Header::Plain(kind) => kind,
            Header::OfsDelta(base) => kinds[by_offset.binary_search_by_key(&base, |e| e.0).ok()?],
            // A base later in the pack (unusual) has no known type yet: call
            // it a blob, so it is read and its real type checked.
            Header::RefDelta(base) => by_id
                .binary_search_by_key(&base, |e| e.1)
                .ok()
                .and_then(|i| by_offset.binary_search_by_key(&by_id[i].0, |e| e.0).ok())
                .and_then(|i| kinds.get(i).copied())
                .unwrap_or(OBJ_BLOB),
        };
        kinds.push(kind);
    }
    Some(
        by_offset
            .iter()
            .zip(kinds)
            .map(|(&(_, oid), kind)| (oid, kind == OBJ_BLOB))
            .collect(),
    )
}

/// Bytes mapped from a pack around the objects being read, a window at a
/// time, so a pack of any size costs at most one window of memory.
struct PackWindow {
    file: File,
    len: u64,
    window: Option<(u64, Mmap)>,
}

impl PackWindow {
    const SIZE: u64 = 32 << 20;
    /// Longest object header: type and size varint, then an offset varint or a base id.
    const HEADER: u64 = 64;

    fn open(path: &Path) -> Option<PackWindow> {
        let file = File::open(path).ok()?;
        let len = file.metadata().ok()?.len();
        Some(PackWindow {
            file,
            len,
            window: None,
        })
    }

    /// The bytes from `offset` to the end of the window holding its header.
    fn at(&mut self, offset: u64) -> Option<&[u8]> {
        let end = (offset + Self::HEADER).min(self.len);
        let covered = matches!(&self.window, Some((start, map)) if *start <= offset && end <= start + map.len() as u64);
        if !covered {
            let start = offset & !4095;
            let len = Self::SIZE.min(self.len - start);
            // SAFETY: the file is only read; git never rewrites a pack in
            // place (it writes new packs and renames), so the map stays valid.
            let map = unsafe {
                MmapOptions::new()
                    .offset(start)
                    .len(len as usize)
                    .map(&self.file)
            }
            .ok()?;
            self.window = Some((start, map));
        }
        let (start, map) = self.window.as_ref()?;
        map.get((offset - start) as usize..)
    }
}

fn map(path: &Path) -> Option<Mmap> {
    let file = File::open(path).ok()?;
    // SAFETY: as for `PackWindow::at`.
    unsafe { Mmap::map(&file) }.ok()
}

/// (offset, id) of every object in a v2 SHA-1 `.idx`.
fn parse_idx(idx: &[u8]) -> Option<Vec<(u64, Oid)>> {
    if idx.get(..8)? != b"\xfftOc\x00\x00\x00\x02" {
        return None;
    }
    let be32 = |at: usize| -> Option<u32> {
        Some(u32::from_be_bytes(idx.get(at..at + 4)?.try_into().ok()?))
    };
    let n = be32(8 + 255 * 4)? as usize;
    let ids = 8 + 256 * 4;
    let offsets = ids + n * 20 + n * 4;
    let large = offsets + n * 4;
    (0..n)
        .map(|i| {
            let oid = Oid::from_bytes(idx.get(ids + i * 20..ids + i * 20 + 20)?).ok()?;
            let small = be32(offsets + i * 4)?;
            let offset = if small & 0x8000_0000 == 0 {
                small as u64
            } else {
                let at = large + (small & 0x7fff_ffff) as usize * 8;
                u64::from_be_bytes(idx.get(at..at + 8)?.try_into().ok()?)
            };
            Some((offset, oid))
        })
        .collect()
}

enum Header {
    Plain(u8),
    OfsDelta(u64),
    RefDelta(Oid),
}

/// Decodes the object header at the start of `pack` (which begins at `offset`).
fn entry_header(pack: &[u8], offset: u64) -> Option<Header> {
    let mut at = 0;
    let mut byte = *pack.get(at)?;
    let kind = (byte >> 4) & 7;
    while byte & 0x80 != 0 {
        at += 1;
        byte = *pack.get(at)?;
    }
    at += 1;
    match kind {
        OBJ_OFS_DELTA => {
            let mut byte = *pack.get(at)?;
            let mut distance = u64::from(byte & 0x7f);
            while byte & 0x80 != 0 {
                at += 1;
                byte = *pack.get(at)?;
                distance = ((distance + 1) << 7) | u64::from(byte & 0x7f);
            }
            Some(Header::OfsDelta(offset.checked_sub(distance)?))
        }
        OBJ_REF_DELTA => Some(Header::RefDelta(
            Oid::from_bytes(pack.get(at..at + 20)?).ok()?,
        )),
        1..=4 => Some(Header::Plain(kind)),
        _ => None,
    }
}
