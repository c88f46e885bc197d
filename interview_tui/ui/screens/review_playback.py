"""The review's playback keys: play from the segment, replay it, slower, and the cursor following
the audio. Mixed into the review screen, which has ``player``, ``editor``, ``row`` and
``update_status``."""

from __future__ import annotations

import functools

from ...errors import UserError
from ..widgets.segment_table import SegmentTable


def needs_a_segment(action):
    """Keys that act on the segment under the cursor do nothing but say why on an empty transcript."""
    @functools.wraps(action)
    def guarded(self, *args, **kwargs):
        if not self.editor.segments:
            self.notify("This transcript has no segments (nothing was said, or all was silence).")
            return None
        return action(self, *args, **kwargs)

    return guarded


class PlaybackKeys:
    _shown_playing = False  # what the status line says, so it changes when the sound ends

    @needs_a_segment
    def action_play(self) -> None:
        if self.player is None:
            self.notify(self.player_error or "No recording to play.", severity="warning")
            return
        if self.player.playing:
            self.player.stop()
        else:
            try:
                self.player.play(self.editor.segments[self.row].start)
            except UserError as exc:
                self.notify(str(exc), severity="warning")
        self.update_status()

    @needs_a_segment
    def action_replay(self) -> None:
        if self.player is None:
            self.notify(self.player_error or "No recording to play.", severity="warning")
            return
        segment = self.editor.segments[self.row]
        try:
            self.player.play(segment.start, segment.end)
        except UserError as exc:
            self.notify(str(exc), severity="warning")
        self.update_status()

    def action_slower(self) -> None:
        if self.player:
            self.player.speed = max(0.5, round(self.player.speed - 0.25, 2))
            self.update_status()

    def action_normal_speed(self) -> None:
        if self.player:
            self.player.speed = 1.0
            self.update_status()

    def follow_playback(self) -> None:
        """The playing segment follows the audio, and gaps in the sound are not passed over."""
        if self.player is None:
            return
        gaps = self.player.untold_stutters()
        if gaps:
            self.notify(f"Playback stuttered ({gaps} gap{'s' * (gaps > 1)}): the computer is too busy to "
                        "feed the sound card, e.g. while a transcription runs. The recording itself is "
                        "whole — press r to hear the segment again.", severity="warning")
        playing = self.player.playing
        if playing != self._shown_playing:
            self._shown_playing = playing
            self.update_status()
        if not playing:
            return
        index = self.editor.index_at(self.player.seconds)
        if index is not None and index != self.row:
            self.query_one(SegmentTable).move_cursor(row=index)
