"use server";

import { createClient } from "@/lib/supabase";

// The client carries the caller's cookies, so row-level security scopes the delete.
export async function deleteNote(id: string) {
  const supabase = await createClient();
  const { data: { user } } = await supabase.auth.getUser();
  if (!user) throw new Error("Unauthorized");
  await supabase.from("notes").delete().eq("id", id);
}
