//! Numpy arrays in and out, through the buffer protocol (no numpy crate:
//! the kernels read flat contiguous arrays and hand back `bytearray`s that
//! Python views with `np.frombuffer`).

use pyo3::buffer::{Element, PyBuffer};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyByteArray;

/// The items of a C-contiguous buffer, borrowed for as long as `buffer` lives.
pub fn items<T: Element>(buffer: &PyBuffer<T>) -> PyResult<&[T]> {
    if !buffer.is_c_contiguous() {
        return Err(PyValueError::new_err("kernels take C-contiguous arrays"));
    }
    // SAFETY: the buffer is contiguous, holds item_count items of T (PyBuffer
    // checked the format) and stays valid while `buffer` is alive; the GIL
    // is held for the whole kernel call, so Python cannot resize it.
    Ok(unsafe { std::slice::from_raw_parts(buffer.buf_ptr() as *const T, buffer.item_count()) })
}

/// `values` as a `bytearray` of native-endian int64 (writable from numpy).
pub fn int64s<'py>(py: Python<'py>, values: &[i64]) -> Bound<'py, PyByteArray> {
    // SAFETY: i64 has no padding, so its bytes are plain data.
    let bytes = unsafe {
        std::slice::from_raw_parts(values.as_ptr() as *const u8, std::mem::size_of_val(values))
    };
    PyByteArray::new(py, bytes)
}
