# Copyright: netedge.cloudflare contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""tests/unit/conftest.py makes warnings that the collection's code or tests cause errors, and no others."""

import warnings

import pytest


def test_a_deprecation_in_a_test_module_is_an_error():
    with pytest.raises(DeprecationWarning, match="old way"):
        warnings.warn("the old way", DeprecationWarning)


def test_a_warning_from_a_module_of_the_collection_is_an_error():
    with pytest.raises(UserWarning, match="ours"):
        warnings.warn_explicit("ours", UserWarning, "_module.py", 1,
                               module="ansible_collections.netedge.cloudflare.plugins.module_utils._module")


def test_a_warning_from_a_library_is_left_a_warning():
    with warnings.catch_warnings(record=True) as seen:  # keeps the filters the conftest.py set
        warnings.warn_explicit("theirs", DeprecationWarning, "somelib.py", 1, module="somelib")
    assert [str(w.message) for w in seen] == ["theirs"]
