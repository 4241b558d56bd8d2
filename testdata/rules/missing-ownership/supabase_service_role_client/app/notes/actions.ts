"use server";

import { supabaseAdmin } from "@/lib/supabase-admin";
import { requireUser } from "@/lib/session";

export async function deleteNote(id: string) {
  await requireUser();
  await supabaseAdmin.from("notes").delete().eq("id", id); // want "missing-ownership"
}
