"use server";

import { createClient } from "@/lib/supabase";

export async function clearNotes() {
  const supabase = await createClient();
  const { data: { user } } = await supabase.auth.getUser();
  if (!user) throw new Error("Unauthorized");
  await supabase.from("notes").delete().eq("user_id", user.id);
}
